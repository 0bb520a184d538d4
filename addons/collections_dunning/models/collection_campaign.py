from odoo import api, fields, models


class CollectionCampaign(models.Model):
    """A named set of accounts with an owner and a goal."""

    _name = "collection.campaign"
    _description = "Collection Campaign"
    _order = "date_start desc, id desc"

    name = fields.Char(required=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Owner", required=True, default=lambda self: self.env.user
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date()
    goal_amount = fields.Monetary(currency_field="currency_id", string="Goal")
    ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        relation="collection_campaign_ticket_rel",
        string="Accounts",
        domain="[('collection_case', '=', True)]",
    )
    case_count = fields.Integer(compute="_compute_collected")
    collected_amount = fields.Monetary(
        currency_field="currency_id", compute="_compute_collected", string="Collected"
    )
    progress = fields.Float(compute="_compute_collected", help="Collected / goal, in %.")

    @api.depends("ticket_ids", "date_start", "date_end", "goal_amount")
    def _compute_collected(self):
        today = fields.Date.context_today(self)
        periods = {
            f"{campaign.id}-{partner.id}": (
                partner.id,
                campaign.date_start,
                campaign.date_end or today,
                campaign.company_id.id,
            )
            for campaign in self
            for partner in campaign.ticket_ids.partner_id.commercial_partner_id
        }
        paid = self.env["res.partner"]._collection_paid_amounts(periods)
        for campaign in self:
            collected = sum(
                amount for key, amount in paid.items() if key.split("-")[0] == str(campaign.id)
            )
            campaign.case_count = len(campaign.ticket_ids)
            campaign.collected_amount = collected
            campaign.progress = (
                100.0 * collected / campaign.goal_amount if campaign.goal_amount else 0.0
            )
