from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class CollectionSettlement(models.Model):
    """Standard recovery stopped (death, verified financial distress): a settlement
    proposal waits for a manager's decision."""

    _name = "collection.settlement"
    _inherit = ["collection.case.mixin", "collection.action.guard"]
    _description = "Collection Settlement"
    _order = "id desc"
    _collection_action_fields = (
        "state",
        "decided_by_id",
        "decision_date",
        "requested_by_id",
        "amount_overdue",
        "ticket_id",
    )

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

    def _collection_initial_values(self):
        """Rule: a settlement starts as a request of whoever asks for it, with
        no decision, whatever the caller sent."""
        return {
            "state": "to_approve",
            "requested_by_id": self.env.uid,
            "decided_by_id": False,
            "decision_date": False,
        }

    def _check_can_decide(self, state):
        """Rule: only a collections manager decides, once, and never on a
        settlement they asked for themselves (four eyes: stopping recovery
        forgives money)."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(self.env._("Only a collections manager decides on a settlement."))
        for settlement in self:
            if settlement.state != "to_approve":
                raise UserError(self.env._("This settlement was already decided."))
            if state == "approved" and settlement.requested_by_id == self.env.user:
                raise UserError(
                    self.env._("You asked for this settlement: another manager must approve it.")
                )

    def _decide(self, state):
        self._check_can_decide(state)
        for settlement in self:
            settlement._collection_action_write(
                {
                    "state": state,
                    "decided_by_id": self.env.user.id,
                    "decision_date": fields.Datetime.now(),
                }
            )
            if state == "approved":
                settlement._request_penal_waiver()
            settlement.ticket_id.message_post(
                body=self.env._(
                    "Settlement %(state)s by %(user)s.",
                    state=dict(self._fields["state"].selection)[state].lower(),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _request_penal_waiver(self):
        """Rule: an approved settlement forgives the penal charges still due, but
        through an ordinary waiver, not by itself. The manager who approved the
        settlement asks for it: at or below the waiver threshold their approval
        is enough (it is approved at once, as any manager's small waiver);
        above it the waiver waits for a second manager, so a settlement never
        forgives a large penal balance on one person's word."""
        self.ensure_one()
        balance = self.ticket_id.penal_balance
        if balance <= 0:
            return self.env["collection.penal.waiver"]
        return self.env["collection.penal.waiver"].create(
            {
                "ticket_id": self.ticket_id.id,
                "amount": balance,
                "reason": self.env._("Settlement"),
            }
        )

    def action_approve(self):
        self._decide("approved")
        return True

    def action_reject(self):
        self._decide("rejected")
        return True
