from odoo import fields, models


class HelpdeskTicketCategory(models.Model):
    _inherit = "helpdesk.ticket.category"

    collection_eligible = fields.Boolean(
        help="Tickets of this category are payment matters (billing cycle, service "
        "pause, payment failure, discount or offer query on an overdue account) and "
        "may be transferred to Collections. Technical issues stay with Support.",
    )
