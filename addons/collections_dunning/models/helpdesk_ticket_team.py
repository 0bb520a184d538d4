from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    is_collection_team = fields.Boolean(
        string="Collections Team",
        help="Tickets of this team are collection cases: they need a Purifier ID "
        "and are hidden from the customer portal.",
    )
    # Issue 12: the lending flow's legal stage (over 90 days past due).
    is_legal_team = fields.Boolean(
        string="Legal Team",
        help="Cases handed over to this team enter the legal stage: a legal notice "
        "is prepared for review and the customer is reported 90+ delinquent.",
    )
    collection_assign_method = fields.Selection(
        selection=[
            ("balanced", "Fewest open tickets"),
            ("round_robin", "Round robin"),
            ("capacity", "Most free capacity"),
            ("manual", "Leave unassigned"),
        ],
        string="Agent Assignment",
        default="balanced",
        required=True,
        help="How a ticket arriving in this team gets its collection agent: the "
        "member with the fewest open tickets of the team, each member in turn, or "
        "nobody (a manager assigns).",
    )
    collection_assignment_rule_ids = fields.One2many(
        comodel_name="collection.assignment.rule",
        inverse_name="team_id",
        string="Assignment Rules",
        help="Checked first: a case matching a rule goes to its agent.",
    )
    collection_last_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Last Assigned Agent",
        readonly=True,
        copy=False,
    )

    def _collection_agent_group(self):
        """Access group a member needs to receive this team's tickets."""
        return self.env.ref("collections_dunning.group_collection_agent")

    def _collection_agents(self):
        """Members who may work collection cases: the team's collection agents."""
        self.ensure_one()
        agent_group = self._collection_agent_group()
        return self.user_ids.filtered(
            lambda user: user.active and agent_group in user.all_group_ids
        ).sorted("id")

    def _collection_assign_cases(self, items):
        """Agents for new cases, [(partner, level)]: a matching rule first, the
        team's method for the rest."""
        self.ensure_one()
        chosen = [None] * len(items)
        rules = self.collection_assignment_rule_ids
        for index, (partner, level) in enumerate(items):
            rule = next((rule for rule in rules if rule._matches(partner, level)), None)
            if rule:
                chosen[index] = rule.user_id
        rest = [index for index, agent in enumerate(chosen) if agent is None]
        for index, agent in zip(rest, self._collection_assign_agents(len(rest)), strict=True):
            chosen[index] = agent
        return chosen

    def _collection_assign_agents(self, count):
        """Agents for ``count`` new tickets, following the team's assignment rule.

        One grouped query for the team's load, then the choice is made in memory,
        so assigning a whole batch costs the same as assigning one ticket.
        """
        self.ensure_one()
        nobody = self.env["res.users"]
        agents = self._collection_agents()
        if not agents or self.collection_assign_method == "manual":
            return [nobody] * count
        chosen = []
        if self.collection_assign_method == "round_robin":
            last = self.collection_last_user_id
            for _index in range(count):
                following = agents.filtered(lambda user, last=last: user.id > last.id)
                last = following[:1] or agents[:1]
                chosen.append(last)
        else:
            load = dict(
                self.env["helpdesk.ticket"]
                .sudo()
                ._read_group(
                    domain=[
                        ("team_id", "=", self.id),
                        ("user_id", "in", agents.ids),
                        ("stage_id.closed", "=", False),
                    ],
                    groupby=["user_id"],
                    aggregates=["__count"],
                )
            )
            load = {agent: load.get(agent, 0) for agent in agents}
            for _index in range(count):
                if self.collection_assign_method == "capacity":
                    free = {
                        user: (user.collection_capacity - load[user])
                        if user.collection_capacity
                        else float("inf")
                        for user in agents
                    }
                    available = [user for user in agents if free[user] > 0]
                    if not available:
                        chosen.append(nobody)  # everyone is full: a manager assigns
                        continue
                    agent = max(available, key=lambda user: (free[user], -user.id))
                else:
                    agent = min(agents, key=lambda user: (load[user], user.id))
                load[agent] += 1
                chosen.append(agent)
        if chosen and chosen[-1]:
            self.sudo().collection_last_user_id = chosen[-1]
        return chosen
