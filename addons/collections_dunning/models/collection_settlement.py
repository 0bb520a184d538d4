from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class CollectionSettlement(models.Model):
    """Standard recovery stopped (death, verified financial distress): a settlement
    proposal waits for a manager's decision."""

    _name = "collection.settlement"
    _inherit = ["collection.case.mixin"]
    _description = "Collection Settlement"
    _order = "id desc"

    reason_id = fields.Many2one(comodel_name="collection.disposition")
    amount_overdue = fields.Monetary(currency_field="currency_id", readonly=True)
    amount_proposed = fields.Monetary(currency_field="currency_id")
    note = fields.Text()
    requested_by_id = fields.Many2one(
        comodel_name="res.users", default=lambda self: self.env.user, readonly=True
    )
    decided_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    decision_date = fields.Datetime(readonly=True)
    state = fields.Selection(
        selection=[
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="to_approve",
        required=True,
        index=True,
    )

    def _decide(self, state):
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(self.env._("Only a collections manager decides on a settlement."))
        for settlement in self:
            if settlement.state != "to_approve":
                raise UserError(self.env._("This settlement was already decided."))
            settlement.write(
                {
                    "state": state,
                    "decided_by_id": self.env.user.id,
                    "decision_date": fields.Datetime.now(),
                }
            )
            balance = settlement.ticket_id.penal_balance
            if state == "approved" and balance > 0:
                # A settlement forgives the penal charges still due.
                waiver = (
                    self.env["collection.penal.waiver"]
                    .sudo()
                    .create(
                        {
                            "ticket_id": settlement.ticket_id.id,
                            "amount": balance,
                            "reason": self.env._("Settlement"),
                        }
                    )
                )
                waiver.write({"state": "approved", "approved_by_id": self.env.user.id})
            settlement.ticket_id.message_post(
                body=self.env._(
                    "Settlement %(state)s by %(user)s.",
                    state=dict(self._fields["state"].selection)[state].lower(),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_approve(self):
        self._decide("approved")
        return True

    def action_reject(self):
        self._decide("rejected")
        return True
