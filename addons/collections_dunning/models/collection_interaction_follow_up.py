from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_datetime


class CollectionInteractionFollowUp(models.AbstractModel):
    """What a logged contact sets in motion, as its disposition says: a promise
    to pay, a callback, a note on the case, a settlement, the case closed, the
    customer's flags. Mixed into ``collection.interaction``."""

    _name = "collection.interaction.follow.up"
    _description = "Collection Interaction Follow-ups"

    def _summary(self):
        self.ensure_one()
        channels = dict(self._fields["channel"].selection)
        layers = " → ".join((self.status_id | self.reason_id | self.resolution_id).mapped("name"))
        who = self.reference_id.display_name if self.reference_id else self.partner_id.name
        return self.env._(
            "%(channel)s (%(direction)s) with %(who)s by %(agent)s: %(layers)s",
            channel=channels[self.channel],
            direction=self.direction,
            who=who,
            agent=self.user_id.name,
            layers=layers,
        )

    def _apply_follow_ups(self):
        """What a disposition sets in motion: promise, callback, flags, settlement."""
        for interaction in self:
            lines = [interaction._summary()]
            if interaction.is_override:
                lines.append(self.env._("Contact rule override: %s", interaction.override_reason))
            if interaction.requires_promise:
                lines.append(interaction._create_promise())
            if interaction.requires_callback:
                interaction._schedule_callback()
            if interaction.note:
                lines.append(interaction.note)
            interaction.ticket_id.message_post(
                body=Markup("<br/>").join(lines),
                subtype_xmlid="mail.mt_note",
                attachment_ids=interaction.attachment_ids.ids,
            )
            interaction._apply_case_outcome()
        self.ticket_id._collection_register_contact_dates(self)
        for company, interactions in self.grouped("company_id").items():
            interactions.partner_id._collection_update_flags(company)

    def _create_promise(self):
        """Rule: a promise to pay logged on a contact becomes a tracked promise,
        started on the contact's day. Returns the line the case's note says."""
        self.ensure_one()
        promise = (
            self.env["collection.promise"]
            .sudo()
            .create(
                {
                    "ticket_id": self.ticket_id.id,
                    "interaction_id": self.id,
                    "user_id": self.user_id.id,
                    "amount": self.promise_amount,
                    "date": self.promise_date,
                    "start_date": self.date.date(),
                }
            )
        )
        self._collection_action_write({"promise_id": promise.id})
        return self.env._(
            "Promise to pay %(amount)s by %(date)s.", amount=promise.amount, date=promise.date
        )

    def _schedule_callback(self):
        """Rule: a callback asked for is a callback activity of the agent who
        logged the contact, due on the day asked for."""
        self.ensure_one()
        ticket = self.ticket_id
        ticket.activity_schedule(
            "collections_dunning.mail_activity_type_callback",
            date_deadline=fields.Date.context_today(ticket, self.callback_date),
            summary=self.env._(
                "Call back at %s",
                format_datetime(self.env, self.callback_date, dt_format="short"),
            ),
            user_id=self.user_id.id,
        )

    def _apply_case_outcome(self):
        """Rule: a disposition that opens a settlement opens one on the case; one
        that closes the case moves it to its team's closed stage."""
        self.ensure_one()
        ticket = self.ticket_id
        chosen = self.status_id | self.reason_id | self.resolution_id
        if any(chosen.mapped("opens_settlement")):
            ticket._collection_open_settlement(self)
        if any(chosen.mapped("closes_case")):
            closed = ticket.team_id._get_applicable_stages().filtered("closed")[:1]
            if closed:
                ticket.stage_id = closed
