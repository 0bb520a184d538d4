from . import test_art_setup
from . import test_art_cases
from . import test_art_ui
