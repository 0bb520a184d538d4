from datetime import timedelta

from odoo import Command, fields, models

from odoo.addons.collections_dunning import bulk_sql


class CollectionTicketArtHandOver(models.AbstractModel):
    """The hand-over of a collection case to the Asset Recovery Team: the Asset
    Recovery case it opens, in which team, and the Slack post of urgent ones."""

    _name = "collection.ticket.art.hand.over"
    _description = "Asset Recovery Hand-over"

    def _art_open_cases(self):
        """Open an Asset Recovery case for each collection case that has none open,
        in the Asset Recovery team its level hands it over to (else its company's)."""
        sources = self.filtered(
            lambda ticket: not ticket.art_case_ids.filtered(lambda case: not case.stage_id.closed)
        )
        if not sources:
            return self.browse()
        now = fields.Datetime.now()
        stage_received = self.env.ref("collections_art.stage_received")
        # Issue 13: one query for every new case's number, not two per case.
        numbers = bulk_sql.reserve_numbers(self.env, "helpdesk.ticket.sequence", len(sources))
        # the handed-over cases' invoices only (through the field: the batch's)
        invoices = bulk_sql.many2many_ids(sources, "overdue_invoice_ids", sources.ids)
        vals_list = []
        for (company, team), tickets in sources.grouped(
            lambda ticket: (ticket.company_id, ticket._art_hand_over_team())
        ).items():
            if not team:
                continue
            officers = team._collection_assign_agents(len(tickets))
            for ticket, officer in zip(tickets, officers, strict=True):
                vals_list.append(
                    {
                        "number": numbers.pop(),
                        "name": self.env._("Asset recovery: %s", ticket.partner_id.name),
                        "description": ticket.description,
                        "partner_id": ticket.partner_id.id,
                        "partner_name": ticket.partner_id.name,
                        "partner_email": ticket.partner_id.email,
                        "company_id": company.id,
                        "team_id": team.id,
                        "stage_id": stage_received.id,
                        "user_id": officer.id,
                        "purifier_id": ticket.purifier_id,
                        "priority": ticket.priority,
                        "art_source_ticket_id": ticket.id,
                        "art_received_date": now,
                        "art_validation_deadline": now
                        + timedelta(hours=company.art_validation_hours),
                        "amount_overdue": ticket.amount_overdue,
                        "collection_dpd": ticket.collection_dpd,
                        "collection_due_date": ticket.collection_due_date,
                        "overdue_invoice_ids": [Command.set(list(invoices.get(ticket.id, ())))],
                    }
                )
        # No "created" note per case (issue 13: thousands on a first run): the case
        # shows the collection case it comes from, whose hand-over note names it.
        cases = (
            self.sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
            .create(vals_list)
        )
        cases._art_post_urgent()
        return cases

    def _art_hand_over_team(self):
        """The Asset Recovery team a case is handed to: its level's hand-over team
        when that is an Asset Recovery team, else its company's."""
        self.ensure_one()
        team = self.collection_level_id.hand_over_team_id
        return team if team.is_art_team else self.company_id.art_team_id

    def _art_is_urgent(self):
        self.ensure_one()
        threshold = self.company_id.art_urgent_amount
        return self.priority == "3" or bool(threshold and self.amount_overdue >= threshold)

    def _art_post_urgent(self):
        """Urgent cases (priority, or overdue above the company's amount) are
        posted to the Asset Recovery Slack channel."""
        self.env["collection.slack.message"]._enqueue(self.filtered(lambda c: c._art_is_urgent()))
