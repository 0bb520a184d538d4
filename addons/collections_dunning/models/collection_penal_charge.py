from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class CollectionPenalCharge(models.Model):
    """Penal charges invoiced for a case: one per case and month, never twice."""

    _name = "collection.penal.charge"
    _description = "Posted Penal Charge"
    _inherit = ["collection.case.mixin"]
    _order = "period desc, id desc"

    period = fields.Date(required=True, help="First day of the month the charge was invoiced in.")
    amount = fields.Monetary(currency_field="currency_id", required=True)
    move_id = fields.Many2one(comodel_name="account.move", string="Invoice", readonly=True)

    _ticket_period_uniq = models.Constraint(
        "UNIQUE(ticket_id, period)", "Penal charges are invoiced once per case and month."
    )

    @api.model
    def _post_for_tickets(self, tickets):
        """Invoice the penal charges due on ``tickets``, once per case and month
        (collections managers only)."""
        self._check_may_post(tickets)
        today = fields.Date.context_today(self)
        period = today.replace(day=1)
        for ticket in tickets:
            amount = self._amount_to_post(ticket, period)
            move = self.env["account.move"]._collection_post_invoice(
                ticket,
                self.env._("Penal charges on overdue invoices, %s", ticket.number),
                amount,
                invoice_date=today,
            )
            self.sudo().create(
                {"ticket_id": ticket.id, "period": period, "amount": amount, "move_id": move.id}
            )
            ticket.message_post(
                body=self.env._(
                    "Penal charges of %(amount)s invoiced (%(move)s).",
                    amount=amount,
                    move=move.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def _check_may_post(self, tickets):
        """Rule: only a collections manager posts penal charges, on cases they may edit."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(self.env._("Only a collections manager posts penal charges."))
        tickets.check_access("write")

    @api.model
    def _amount_to_post(self, ticket, period):
        """Rule: a case's penal charges are invoiced once per month, and only
        when some are due (accrued, less waivers and what was invoiced)."""
        if self.sudo().search_count([("ticket_id", "=", ticket.id), ("period", "=", period)]):
            raise UserError(
                self.env._(
                    "Penal charges of %(case)s were already invoiced for %(period)s.",
                    case=ticket.number,
                    period=period.strftime("%B %Y"),
                )
            )
        amount = ticket.penal_balance
        if amount <= 0:
            raise UserError(self.env._("%s has no penal charges to invoice.", ticket.number))
        return amount
