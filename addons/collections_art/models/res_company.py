from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.collections_dunning.bounds import check_bounds
from odoo.addons.collections_dunning.channel_client import check_gateway_url

# Issue 10: the range of each numeric Asset Recovery setting, in its own unit.
ART_SETTING_BOUNDS = {
    "art_validation_hours": (1, 168),  # up to a week
    "art_visit_hours": (1, 336),  # up to two weeks
    "art_notice_days": (1, 90),  # legal notices give days to weeks, not years
    "art_urgent_amount": (0.0, 100_000_000.0),  # company currency; 0 = priority only
}


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
    art_slack_webhook_url = fields.Char(
        string="Slack Webhook URL",
        groups="base.group_system",
        help="Secret: whoever knows it can post to the channel. Administrators only.",
    )
    art_slack_channel = fields.Char(
        string="Slack Channel",
        default="#art-team",
        help="The channel the webhook posts to, for reference: Slack's incoming webhooks "
        "post to the channel they were created for.",
    )
    art_slack_usergroup_id = fields.Char(
        string="Slack User Group ID",
        help="ID of the Slack user group to notify with each post (e.g. S0123ABCD, from "
        "the group's menu in Slack: Copy group ID); mentioned as <!subteam^ID>.",
    )
    art_urgent_amount = fields.Monetary(
        string="Urgent From Amount",
        currency_field="currency_id",
        help="Cases with at least this amount overdue are posted to Slack on arrival.",
    )

    @api.constrains(*ART_SETTING_BOUNDS)
    def _check_art_setting_bounds(self):
        """Issue 10: the Asset Recovery deadlines and urgent amount stay within
        ART_SETTING_BOUNDS, so a typo cannot make every case late or none urgent."""
        check_bounds(self, ART_SETTING_BOUNDS)

    @api.constrains("art_slack_webhook_url")
    def _check_art_slack_webhook_url(self):
        """Issue 10: the webhook receives customer names and amounts, so only https
        (http for localhost / 127.0.0.1 only: the tests' stub server)."""
        for company in self.sudo().filtered("art_slack_webhook_url"):
            problem = check_gateway_url(company.art_slack_webhook_url)
            if problem:
                raise ValidationError(self.env._("Slack webhook URL refused: %s.", problem))

    @api.model
    def _art_set_default_team(self):
        """Point companies created before the module at the seeded team."""
        team = self.env.ref("collections_art.helpdesk_team_art", raise_if_not_found=False)
        if team:
            domain = [("art_team_id", "=", False)]
            if team.company_id:
                domain.append(("id", "=", team.company_id.id))
            self.search(domain).write({"art_team_id": team.id})
