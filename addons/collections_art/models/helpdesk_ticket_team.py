from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    is_art_team = fields.Boolean(
        string="Asset Recovery Team",
        help="Cases of this team are Asset Recovery cases with field visits and legal notices.",
    )

    def _collection_agent_group(self):
        if self.is_art_team:
            return self.env.ref("collections_art.group_art_officer")
        return super()._collection_agent_group()
