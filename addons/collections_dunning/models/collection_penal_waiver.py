from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class CollectionPenalWaiver(models.Model):
    """Penal charges forgiven. Above the company's threshold, a second manager
    must approve (four eyes); both names are kept."""

    _name = "collection.penal.waiver"
    _description = "Penal Charge Waiver"
    _inherit = ["collection.case.mixin"]
    _order = "id desc"

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

    @api.constrains("amount")
    def _check_amount(self):
        for waiver in self:
            if waiver.amount <= 0:
                raise ValidationError(self.env._("A waiver is a positive amount."))

    @api.model_create_multi
    def create(self, vals_list):
        waivers = super().create(vals_list)
        for waiver in waivers:
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
            if not waiver._needs_second_approval():
                waiver._approve_by(self.env.user)
        return waivers

    def _needs_second_approval(self):
        self.ensure_one()
        return self.amount > self.company_id.collection_waiver_threshold

    def _approve_by(self, user):
        if not user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(self.env._("Only a collections manager approves a waiver."))
        self.write({"state": "approved", "approved_by_id": user.id})

    def action_approve(self):
        for waiver in self:
            if waiver.state != "to_approve":
                raise UserError(self.env._("This waiver was already decided."))
            if waiver.requested_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "A waiver above %s needs a second manager: you asked for it, "
                        "someone else must approve it.",
                        waiver.company_id.collection_waiver_threshold,
                    )
                )
            waiver._approve_by(self.env.user)
        return True

    def action_refuse(self):
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(self.env._("Only a collections manager refuses a waiver."))
        self.write({"state": "refused", "approved_by_id": self.env.user.id})
        return True
