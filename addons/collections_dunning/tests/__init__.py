from . import test_transfer
from . import test_purifier
from . import test_callback_sla
from . import test_tech_visit
from . import test_access
from . import test_ui
from . import test_dpd_engine
