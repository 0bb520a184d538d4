from . import test_art_setup
from . import test_art_cases
from . import test_art_ui
from . import test_art_visit_address
from . import test_ui_officer
from . import test_art_server_rules
from . import test_legal_notice_rules
from . import test_pdf_legal_notice
