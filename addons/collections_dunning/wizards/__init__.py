from . import collection_transfer_wizard
from . import collection_roll_rate_wizard
from . import collection_roll_rate_line
from . import collection_reallocate_wizard
