from odoo import api, fields, models


class CollectionRoutingRule(models.Model):
    """Which team owns an overdue account, as configuration (the solar policy:
    Billing owns customers over 30 days past due unless tagged no_billing...).
    The first matching rule by sequence wins; the daily run applies it."""

    _name = "collection.routing.rule"
    _inherit = ["collection.settings.revision"]
    _description = "Collection Ownership Rule"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    dpd_from = fields.Integer(string="From Day", default=1)
    dpd_to = fields.Integer(string="To Day", help="0 means no upper bound.")
    tag_ids = fields.Many2many(
        comodel_name="res.partner.category",
        relation="collection_routing_rule_tag_rel",
        string="Customer Has a Tag",
        help="The customer carries at least one of these tags.",
    )
    exclude_tag_ids = fields.Many2many(
        comodel_name="res.partner.category",
        relation="collection_routing_rule_exclude_tag_rel",
        string="Customer Has None Of",
    )
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", required=True)

    def _matches(self, ticket):
        self.ensure_one()
        tags = ticket.partner_id.commercial_partner_id.category_id | ticket.partner_id.category_id
        return self._matches_values(ticket.collection_dpd, set(tags.ids))

    def _matches_values(self, dpd, tag_ids):
        """Whether the rule takes a case ``dpd`` days past due whose customer
        (or its contact on the case) carries the tags ``tag_ids`` (ids)."""
        self.ensure_one()
        return (
            dpd >= self.dpd_from
            and (not self.dpd_to or dpd <= self.dpd_to)
            and (not self.tag_ids or bool(set(self.tag_ids.ids) & tag_ids))
            and not (set(self.exclude_tag_ids.ids) & tag_ids)
        )

    def _target(self, ticket):
        """The team the first matching rule gives ``ticket``, or an empty team."""
        for rule in self:
            if rule.company_id == ticket.company_id and rule._matches(ticket):
                return rule
        return self.browse()

    @api.model
    def _collection_handed_over_cases(self, tickets):
        """Rule (issue 12; lending flow step 4, Collection SOP team responsibilities):
        ownership rules decide who works an account before its hand-over; they
        never take a case back from the later-stage team it was handed over to.
        Such a case (returned from ``tickets``) is one in a legal team, one handed
        over by ``helpdesk.ticket._collection_hand_over`` (its escalation date is
        set: a level's hand-over or an uncooperative customer's), or one in a
        team some level hands over to. One query, for the hand-over teams."""
        if not tickets:
            return tickets
        hand_over_teams = (
            self.env["collection.policy.level"]
            .sudo()
            .search([("hand_over_team_id", "!=", False)])
            .hand_over_team_id
        )
        return tickets.filtered(
            lambda ticket: (
                ticket.collection_escalation_date
                or ticket.team_id.is_legal_team
                or ticket.team_id in hand_over_teams
            )
        )
