from markupsafe import Markup

from odoo import Command, fields, models
from odoo.tools import format_amount, format_date, format_datetime

from ..engine import cases


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
        started on the contact's day; with a signed commitment letter it is a
        commitment letter (``_commitment_letter_values``). Returns the line the
        case's note says."""
        self.ensure_one()
        vals = self._commitment_letter_values() if self.is_commitment_letter else {}
        vals.update(
            {
                "ticket_id": self.ticket_id.id,
                "interaction_id": self.id,
                "user_id": self.user_id.id,
                "amount": self.promise_amount,
                "date": self.promise_date,
                "start_date": self.date.date(),
            }
        )
        promise = self.env["collection.promise"].sudo().create(vals)
        self._collection_action_write({"promise_id": promise.id})
        if promise.promise_type == "commitment_letter":
            return self.env._(
                "Commitment letter: %(amount)s by %(date)s (signed letter attached).",
                amount=promise.amount,
                date=promise.date,
            )
        return self.env._(
            "Promise to pay %(amount)s by %(date)s.", amount=promise.amount, date=promise.date
        )

    def _commitment_letter_values(self):
        """Rule (lending flow, issue 12): a commitment letter logged with a contact
        goes through the same rules as the case's "Commitment Letter" button: its
        action (``collection.promise._action_new_commitment_letter``) checks the
        case is with Collections and that the agent may record one, and gives the
        letter's values; the letter itself (signed, attached, due within the
        company's days) is checked by the promise's own constraint. Returns the
        promise's values."""
        self.ensure_one()
        action = self.env["collection.promise"]._action_new_commitment_letter(self.ticket_id)
        vals = {
            key.removeprefix("default_"): value
            for key, value in action["context"].items()
            if key.startswith("default_")
        }
        vals["attachment_ids"] = [Command.set(self.commitment_letter_ids.ids)]
        return vals

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
        that closes the case ("Payment Completed") closes it only if accounting
        agrees (``_collection_close_if_paid``)."""
        self.ensure_one()
        ticket = self.ticket_id
        chosen = self.status_id | self.reason_id | self.resolution_id
        if any(chosen.mapped("opens_settlement")):
            ticket._collection_open_settlement(self)
        if any(chosen.mapped("closes_case")):
            self._collection_close_if_paid()

    def _collection_still_overdue(self):
        """The customer's invoices still overdue in the case's company (what
        ``account.move._collection_overdue_domain`` calls overdue), oldest first."""
        self.ensure_one()
        ticket = self.ticket_id.sudo()
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", ticket.partner_id.commercial_partner_id.id),
                    ("company_id", "=", ticket.company_id.id),
                    *self.env["account.move"]._collection_overdue_domain(),
                ],
                order="invoice_date_due, id",
            )
        )

    def _collection_close_if_paid(self):
        """Rule: "Payment Completed" is the customer's word, checked against
        accounting. With nothing overdue any more the case closes as paid, as the
        daily run closes it; otherwise the contact stays logged (it is the agent's
        record of what the customer said) but the case stays open, and the agent
        is told, on the case and at once, which invoices are still open and for
        how much. Refusing the log would lose what the customer said."""
        self.ensure_one()
        ticket = self.ticket_id.sudo()
        if ticket.stage_id.closed:
            return
        still_open = self._collection_still_overdue()
        if not still_open:
            cases.close_paid_cases(self.env["collection.run"]._tickets().browse(ticket.ids))
            return
        currency = ticket.company_id.currency_id
        lines = [
            self.env._(
                "%(invoice)s: %(residual)s left to pay, due %(due)s",
                invoice=invoice.name,
                residual=format_amount(self.env, invoice.amount_residual, currency),
                due=format_date(self.env, invoice.invoice_date_due),
            )
            for invoice in still_open
        ]
        title = self.env._(
            "Payment not confirmed by accounting: the case stays open. Still overdue:"
        )
        ticket.message_post(
            body=Markup("%s<ul>%s</ul>")
            % (title, Markup().join(Markup("<li>%s</li>") % line for line in lines)),
            subtype_xmlid="mail.mt_note",
        )
        self.env.user._bus_send(
            "simple_notification",
            {
                "type": "warning",
                "sticky": True,
                "title": self.env._("%s stays open", ticket.display_name),
                "message": "\n".join([title, *lines]),
            },
        )
