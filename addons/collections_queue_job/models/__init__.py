from . import collection_run
from . import collection_run_log
from . import helpdesk_ticket_team
