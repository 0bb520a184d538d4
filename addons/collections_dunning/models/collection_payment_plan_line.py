from odoo import api, fields, models
from odoo.exceptions import UserError


class CollectionPaymentPlanLine(models.Model):
    _name = "collection.payment.plan.line"
    _description = "Payment Plan Instalment"
    _inherit = ["collection.action.guard"]
    _order = "plan_id, date, sequence, id"
    _collection_action_fields = ("state",)

    plan_id = fields.Many2one(
        comodel_name="collection.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=1)
    date = fields.Date(required=True)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    state = fields.Selection(
        selection=[("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        default="open",
        required=True,
    )

    def _collection_initial_values(self):
        """Rule: an instalment starts open; only the run decides it kept or broken."""
        return {"state": "open"}

    def _collection_locked_fields(self):
        """Rule: the instalments of a plan that has started are part of what the
        customer agreed to: their dates and amounts are not edited."""
        locked = super()._collection_locked_fields()
        if self.plan_id.state != "draft":
            locked |= {"plan_id", "sequence", "date", "amount"}
        return locked

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_plan_is_draft()
        return lines

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_plan(self):
        self._check_plan_is_draft()

    def _check_plan_is_draft(self):
        """Rule: instalments are added or removed only while the plan is a draft."""
        if self.env.su:
            return
        if any(line.plan_id.state != "draft" for line in self):
            raise UserError(
                self.env._("The instalments of a plan that has started cannot be changed.")
            )
