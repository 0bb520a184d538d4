from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    is_collection_team = fields.Boolean(
        string="Collections Team",
        help="Tickets of this team are collection cases: they need a Purifier ID "
        "and are hidden from the customer portal.",
    )
    collection_assign_method = fields.Selection(
        selection=[
            ("balanced", "Fewest open tickets"),
            ("round_robin", "Round robin"),
            ("manual", "Leave unassigned"),
        ],
        string="Agent Assignment",
        default="balanced",
        required=True,
        help="How a ticket arriving in this team gets its collection agent: the "
        "member with the fewest open tickets of the team, each member in turn, or "
        "nobody (a manager assigns).",
    )
    collection_last_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Last Assigned Agent",
        readonly=True,
        copy=False,
    )

    def _collection_agents(self):
        """Members who may work collection cases: the team's collection agents."""
        self.ensure_one()
        agent_group = self.env.ref("collections_dunning.group_collection_agent")
        return self.user_ids.filtered(
            lambda user: user.active and agent_group in user.all_group_ids
        ).sorted("id")

    def _collection_pick_agent(self):
        """The agent the team's assignment rule gives the next ticket to."""
        self.ensure_one()
        agents = self._collection_agents()
        if not agents or self.collection_assign_method == "manual":
            return self.env["res.users"]
        if self.collection_assign_method == "round_robin":
            following = agents.filtered(lambda user: user.id > self.collection_last_user_id.id)
            agent = following[:1] or agents[:1]
        else:
            load = dict(
                self.env["helpdesk.ticket"]._read_group(
                    domain=[
                        ("team_id", "=", self.id),
                        ("user_id", "in", agents.ids),
                        ("closed", "=", False),
                    ],
                    groupby=["user_id"],
                    aggregates=["__count"],
                )
            )
            agent = min(agents, key=lambda user: (load.get(user, 0), user.id))
        self.sudo().collection_last_user_id = agent
        return agent
