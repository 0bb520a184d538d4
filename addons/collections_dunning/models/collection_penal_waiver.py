from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount


class CollectionPenalWaiver(models.Model):
    """Penal charges forgiven. Above the company's threshold, a second manager
    must approve (four eyes); both names are kept."""

    _name = "collection.penal.waiver"
    _description = "Penal Charge Waiver"
    _inherit = ["collection.case.mixin", "collection.action.guard"]
    _order = "id desc"
    _collection_action_fields = (
        "state",
        "approved_by_id",
        "requested_by_id",
        "amount",
        "ticket_id",
    )

    amount = fields.Monetary(currency_field="currency_id", required=True)
    reason = fields.Char(required=True)
    requested_by_id = fields.Many2one(
        comodel_name="res.users", default=lambda self: self.env.user, readonly=True
    )
    approved_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    state = fields.Selection(
        selection=[("to_approve", "To Approve"), ("approved", "Approved"), ("refused", "Refused")],
        default="to_approve",
        required=True,
    )

    def _collection_initial_values(self):
        """Rule: a waiver starts as a request of whoever asks for it, undecided;
        a caller cannot send one already approved, or ask in someone else's name
        to approve it themselves."""
        return {"state": "to_approve", "requested_by_id": self.env.uid, "approved_by_id": False}

    @api.constrains("amount")
    def _check_amount(self):
        for waiver in self:
            if waiver.amount <= 0:
                raise ValidationError(self.env._("A waiver is a positive amount."))

    @api.model_create_multi
    def create(self, vals_list):
        waivers = super().create(vals_list)
        waivers._check_within_balance()
        waivers._log_on_case(self.env._("requested by %s", self.env.user.name))
        waivers._auto_approve()
        return waivers

    def _log_on_case(self, what):
        """Audit: the case's chatter says who asked for and who decided each waiver."""
        for waiver in self:
            waiver.ticket_id.sudo()._message_log(
                body=self.env._(
                    "Penal charge waiver of %(amount)s (%(reason)s) %(what)s.",
                    amount=format_amount(self.env, waiver.amount, waiver.currency_id),
                    reason=waiver.reason,
                    what=what,
                )
            )

    def _check_within_balance(self):
        """Rule: nobody forgives more penal charges than are due on the case."""
        for waiver in self:
            # The new waiver is not approved yet: the balance does not count it.
            due = waiver.ticket_id.penal_balance
            if waiver.currency_id.compare_amounts(waiver.amount, due) > 0:
                raise ValidationError(
                    self.env._(
                        "The waiver (%(amount)s) is more than the penal charges due (%(due)s).",
                        amount=waiver.amount,
                        due=due,
                    )
                )

    def _auto_approve(self):
        """Rule: at or below the company's threshold one manager's approval is
        enough, so a manager's own small waiver is approved at once. Anything
        else (an agent's request, an amount above the threshold) waits for a
        manager in the to-approve state."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            return
        self.filtered(lambda w: not w._needs_second_approval())._approve_by(self.env.user)

    def _needs_second_approval(self):
        self.ensure_one()
        return self.amount > self.company_id.collection_waiver_threshold

    def _check_can_decide(self):
        """Rule: only a collections manager decides on a waiver, and only once:
        an approved waiver is not refused afterwards, nor a refused one approved."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(
                self.env._("Only a collections manager approves or refuses a waiver.")
            )
        for waiver in self:
            if waiver.state != "to_approve":
                raise UserError(self.env._("This waiver was already decided."))

    def _check_four_eyes(self):
        """Rule: above the threshold the manager who approves is not the one who
        asked (four eyes); below it one manager's approval is enough."""
        for waiver in self:
            if waiver._needs_second_approval() and waiver.requested_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "A waiver above %s needs a second manager: you asked for it, "
                        "someone else must approve it.",
                        waiver.company_id.collection_waiver_threshold,
                    )
                )

    def _approve_by(self, user):
        self._collection_action_write({"state": "approved", "approved_by_id": user.id})
        self._log_on_case(self.env._("approved by %s", user.name))

    def action_approve(self):
        self._check_can_decide()
        self._check_four_eyes()
        self._approve_by(self.env.user)
        return True

    def action_refuse(self):
        self._check_can_decide()
        self._collection_action_write({"state": "refused", "approved_by_id": self.env.user.id})
        self._log_on_case(self.env._("refused by %s", self.env.user.name))
        return True
