from odoo import fields, models


class CollectionTicketHandOver(models.AbstractModel):
    """A case's hand-over to the next team (a level's ``hand_over_team_id``, or
    the team uncooperative customers go to) and the legal stage it may enter
    there (lending flow, step 4). Mixed into ``helpdesk.ticket``; Asset Recovery
    (collections_art) extends the hooks to open its own case and notice."""

    _name = "collection.ticket.hand.over"
    _description = "Collection Case Hand-over"

    def _collection_hand_over(self, team=None):
        """Hand cases over to the next team: ``team`` when given (a hand-over that
        does not follow the level, e.g. an uncooperative customer's), else their
        level's ``hand_over_team_id``.

        Called by the daily run, in the same run, for cases entering a level that
        names a team to hand over to. This records the hand-over on the agent's
        case; an add-on that runs the next team's work (Asset Recovery) overrides
        it to open that team's own case.
        """
        today = fields.Date.context_today(self)
        self._collection_as_owner().write({"collection_escalation_date": today})
        self._message_log_batch(bodies=self._collection_hand_over_notes(team))
        self._collection_cases_moving_team()._collection_move_to_hand_over_team()
        self.filtered(
            "collection_level_id.hand_over_team_id.is_legal_team"
        )._collection_enter_legal_stage()

    def _collection_hand_over_notes(self, team=None):
        """The one note each case's chatter gets for its hand-over, {case id: text}:
        to which team, at how many days past due, from which level. An add-on that
        opens the next team's own case says which in the same note."""
        return {
            ticket.id: self.env._(
                "Handed over to %(team)s: %(dpd)s days past due (%(level)s).",
                team=(team or ticket.collection_level_id.hand_over_team_id).display_name,
                dpd=ticket.collection_dpd,
                level=ticket.collection_level_id.display_name,
            )
            for ticket in self
        }

    def _collection_cases_moving_team(self):
        """Issue 12: the cases the hand-over moves into their hand-over team: those
        handed to a Collections team (such as Legal), which then works the case.
        A team outside Collections only hears of it (the note above); an add-on
        that opens a case of its own for its team keeps the collection case."""
        return self.filtered("collection_level_id.hand_over_team_id.is_collection_team")

    def _collection_move_to_hand_over_team(self):
        """Issue 12: a case handed over to a team is that team's from now on: it
        moves to the team, to an agent the team's assignment rule picks."""
        teams = self.grouped(lambda ticket: ticket.collection_level_id.hand_over_team_id)
        for team, tickets in teams.items():
            agents = team._collection_assign_agents(len(tickets))
            by_agent = {}
            for ticket, agent in zip(tickets, agents, strict=True):
                by_agent[agent] = by_agent.get(agent, self.browse()) | ticket
            for agent, agent_tickets in by_agent.items():
                agent_tickets.sudo().write({"team_id": team.id, "user_id": agent.id})

    def _collection_enter_legal_stage(self):
        """Rule (lending flow, step 4): "escalate the case to the Legal Team.
        Initiate legal notices ... Mark the account as delinquent in the Credit
        Bureau Reporting." The customer is reported 90+ delinquent at once; the
        legal notice is prepared by ``_collection_prepare_legal_notice``."""
        self.commercial_partner_id._collection_set_bureau_status("delinquent")
        self._collection_prepare_legal_notice()

    def _collection_prepare_legal_notice(self):
        """Hook: a legal notice prepared for review when a case enters the legal
        stage. The notices live in Asset Recovery (collections_art), which
        overrides this; without it the legal team drafts its own."""
        return self.browse()
