from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    collection_capacity = fields.Integer(
        help="Most open collection cases this agent works at once; 0 means no limit. "
        "Used by teams that assign by free capacity.",
    )
