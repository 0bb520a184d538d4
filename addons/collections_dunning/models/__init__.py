from . import res_company
from . import res_config_settings
from . import res_partner
from . import helpdesk_ticket_category
from . import helpdesk_ticket_team
from . import helpdesk_ticket
from . import mail_activity
