from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_purifier_pattern = fields.Char(
        related="company_id.collection_purifier_pattern", readonly=False
    )
    collection_callback_delay = fields.Integer(
        related="company_id.collection_callback_delay", readonly=False
    )
    collection_team_id = fields.Many2one(related="company_id.collection_team_id", readonly=False)
    collection_support_team_id = fields.Many2one(
        related="company_id.collection_support_team_id", readonly=False
    )
    collection_operations_team_id = fields.Many2one(
        related="company_id.collection_operations_team_id", readonly=False
    )
