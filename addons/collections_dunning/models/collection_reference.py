from odoo import api, fields, models


class CollectionReference(models.Model):
    """A contact the customer gave who may be called about the overdue account."""

    _name = "collection.reference"
    _description = "Collection Reference"
    _order = "partner_id, sequence, id"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", default=lambda self: self.env.company, index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    phone = fields.Char()
    email = fields.Char()
    relation = fields.Selection(
        selection=[
            ("co_subscriber", "Co-subscriber"),
            ("family", "Family"),
            ("friend", "Friend"),
            ("colleague", "Office contact"),
            ("other", "Other"),
        ],
        required=True,
        default="family",
    )
    is_co_subscriber = fields.Boolean(compute="_compute_is_co_subscriber", store=True)

    @api.depends("relation")
    def _compute_is_co_subscriber(self):
        for reference in self:
            reference.is_co_subscriber = reference.relation == "co_subscriber"

    @api.depends("name", "relation")
    def _compute_display_name(self):
        relations = dict(self._fields["relation"].selection)
        for reference in self:
            reference.display_name = f"{reference.name} ({relations.get(reference.relation)})"
