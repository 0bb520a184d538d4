from odoo import fields, models


class CollectionPaymentPlanLine(models.Model):
    _name = "collection.payment.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date, sequence, id"

    plan_id = fields.Many2one(
        comodel_name="collection.payment.plan", required=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=1)
    date = fields.Date(required=True)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    state = fields.Selection(
        selection=[("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        default="open",
        required=True,
    )
