from odoo import api, fields, models
from odoo.exceptions import ValidationError

LAYERS = {1: "status", 2: "reason", 3: "resolution"}


class CollectionDisposition(models.Model):
    """One node of the 3-layer disposition: status -> reason -> resolution."""

    _name = "collection.disposition"
    _description = "Collection Disposition"
    _order = "layer, sequence, id"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    layer = fields.Integer(
        required=True,
        default=1,
        help="1: contact status (Contacted...), 2: reason (Promise to Pay...), "
        "3: resolution (Payment Scheduled...).",
    )
    parent_id = fields.Many2one(
        comodel_name="collection.disposition", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        comodel_name="collection.disposition", inverse_name="parent_id", string="Children"
    )
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_contact = fields.Boolean(
        string="Customer Reached",
        help="On a status: the customer (or a reference) was actually reached.",
    )
    requires_promise = fields.Boolean(help="The agent must record the promised amount and date.")
    requires_callback = fields.Boolean(help="The agent must record when to call back.")
    closes_case = fields.Boolean(help="Logging this closes the ticket.")
    marks_refusal = fields.Boolean(
        help="An explicit refusal to pay: the customer is flagged uncooperative."
    )
    marks_false_claim = fields.Boolean(
        help="A verified false claim of payment: the customer is flagged uncooperative."
    )
    opens_settlement = fields.Boolean(
        help="Death or verified financial distress: standard recovery stops and a "
        "settlement awaits a manager's approval."
    )

    _code_uniq = models.Constraint(
        "UNIQUE(parent_id, code)", "A disposition code is used once under the same parent."
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for disposition in self:
            if disposition.parent_id:
                disposition.complete_name = (
                    f"{disposition.parent_id.complete_name} → {disposition.name}"
                )
            else:
                disposition.complete_name = disposition.name

    @api.constrains("layer", "parent_id")
    def _check_layer(self):
        """Layer 1 has no parent; every other layer hangs under the layer above it."""
        for disposition in self:
            if disposition.layer not in LAYERS:
                raise ValidationError(self.env._("A disposition layer is 1, 2 or 3."))
            parent = disposition.parent_id
            if disposition.layer == 1 and parent:
                raise ValidationError(
                    self.env._(
                        "%s is a contact status (layer 1): it has no parent.", disposition.name
                    )
                )
            if disposition.layer > 1 and parent.layer != disposition.layer - 1:
                raise ValidationError(
                    self.env._(
                        "%(name)s is a layer %(layer)s disposition: its parent must be of "
                        "layer %(parent)s.",
                        name=disposition.name,
                        layer=disposition.layer,
                        parent=disposition.layer - 1,
                    )
                )
