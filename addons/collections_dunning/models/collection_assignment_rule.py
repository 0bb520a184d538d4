from odoo import fields, models


class CollectionAssignmentRule(models.Model):
    """Who in a team gets a new case, by its level, the customer's region or tags.
    The first matching rule by sequence wins; otherwise the team's method applies."""

    _name = "collection.assignment.rule"
    _description = "Collection Assignment Rule"
    _order = "team_id, sequence, id"

    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    level_id = fields.Many2one(comodel_name="collection.policy.level")
    state_ids = fields.Many2many(
        comodel_name="res.country.state", string="Regions", help="The customer's state."
    )
    tag_ids = fields.Many2many(comodel_name="res.partner.category", string="Customer Tags")
    user_id = fields.Many2one(comodel_name="res.users", string="Agent", required=True)

    def _matches(self, partner, level):
        self.ensure_one()
        partner = partner.commercial_partner_id
        return (
            (not self.level_id or self.level_id == level)
            and (not self.state_ids or partner.state_id in self.state_ids)
            and (not self.tag_ids or bool(partner.category_id & self.tag_ids))
        )
