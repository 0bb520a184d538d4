from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    art_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Asset Recovery Team",
        default=lambda self: self.env.ref(
            "collections_art.helpdesk_team_art", raise_if_not_found=False
        ),
    )
    art_validation_hours = fields.Integer(
        string="Validation Deadline (hours)",
        default=24,
        help="Hours from receiving a case to validating it and sending the recovery notification.",
    )
    art_visit_hours = fields.Integer(
        string="Visit Deadline (hours)",
        default=48,
        help="Hours from validation within which the first field visit must happen.",
    )
    art_notice_days = fields.Integer(
        string="Legal Notice Response (days)",
        default=15,
        help="Days the customer has to answer a legal notice before the account is an NPA.",
    )
    art_slack_webhook_url = fields.Char(string="Slack Webhook URL")
    art_slack_channel = fields.Char(string="Slack Channel", default="#art-team")
    art_slack_mention = fields.Char(string="Slack Mention", default="@art_team")
    art_urgent_amount = fields.Monetary(
        string="Urgent From Amount",
        currency_field="currency_id",
        help="Cases with at least this amount overdue are posted to Slack on arrival.",
    )

    @api.model
    def _art_set_default_team(self):
        """Point companies created before the module at the seeded team."""
        team = self.env.ref("collections_art.helpdesk_team_art", raise_if_not_found=False)
        if team:
            domain = [("art_team_id", "=", False)]
            if team.company_id:
                domain.append(("id", "=", team.company_id.id))
            self.search(domain).write({"art_team_id": team.id})
