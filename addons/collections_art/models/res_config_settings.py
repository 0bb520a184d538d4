from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    art_team_id = fields.Many2one(related="company_id.art_team_id", readonly=False)
    art_validation_hours = fields.Integer(related="company_id.art_validation_hours", readonly=False)
    art_visit_hours = fields.Integer(related="company_id.art_visit_hours", readonly=False)
    art_notice_days = fields.Integer(related="company_id.art_notice_days", readonly=False)
    art_slack_webhook_url = fields.Char(
        related="company_id.art_slack_webhook_url", readonly=False, groups="base.group_system"
    )
    art_slack_channel = fields.Char(related="company_id.art_slack_channel", readonly=False)
    art_slack_usergroup_id = fields.Char(
        related="company_id.art_slack_usergroup_id", readonly=False
    )
    art_urgent_amount = fields.Monetary(related="company_id.art_urgent_amount", readonly=False)
