from odoo import api, fields, models


class CollectionCaseMixin(models.AbstractModel):
    """What every record about a collection case carries: the case, its
    customer (the commercial entity), its company and currency."""

    _name = "collection.case.mixin"
    _description = "Collection Case Record"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", string="Case", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        related="ticket_id.commercial_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.model
    def _collection_case_overdue(self, ticket):
        """What is overdue on a case: its own amount, else its customer's. Read
        as superuser: bounds hold whatever financial fields the user may see."""
        ticket = ticket.sudo()
        return ticket.amount_overdue or ticket.partner_overdue_amount
