from odoo import fields, models


class CollectionDefaultReason(models.Model):
    """Why a customer defaulted: the closed feedback list a recovery decision
    records (solar policy: "ensure the feedback loop is closed on why the
    customer default"), which managers report on."""

    _name = "collection.default.reason"
    _description = "Reason for Default"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", help="Empty: the reason is offered to every company."
    )
    description = fields.Text(help="When to choose this reason.")

    _name_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "This reason for default already exists."
    )
