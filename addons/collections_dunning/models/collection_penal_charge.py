from odoo import fields, models


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
