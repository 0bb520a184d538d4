from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .. import bulk_sql
from .collection_reminder_step import CHANNELS

REMINDER_STATES = [
    ("queued", "Queued"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("read", "Read"),
    ("retry", "To Retry"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
    ("manual", "Waiting for Agent"),
    ("unknown", "Unknown"),
]
# What counts as an attempt to contact the customer (caps, unreachable rule):
# a message that left Odoo, or may have ("sending", "unknown").
ATTEMPT_STATES = ("sending", "sent", "delivered", "read", "unknown")
# What a sender may claim.
CLAIMABLE_STATES = ("queued", "retry")


class CollectionReminder(models.Model):
    """One reminder step applied to one case: the log that makes sending idempotent.

    Its state says what happened, never more: ``sending`` once claimed by a
    sender (or handed to Odoo's mail / SMS queue), ``sent`` once the gateway or
    the queue accepted it, ``delivered`` / ``read`` when the channel reports it,
    ``retry`` with the time of the next attempt, ``failed`` with the reason,
    ``manual`` while an agent has to send it by hand, ``unknown`` when a sender
    stopped between claiming and hearing back (shown to managers, never resent
    blindly).

    This model holds the log and the rules of when a reminder may go; how each
    channel sends is in ``collection.reminder.sender`` (the notice of default in
    ``collection.reminder.notice.of.default``), what became of it in
    ``collection.reminder.outcome``, the agents' part in
    ``collection.reminder.hand.off``.
    """

    _name = "collection.reminder"
    _inherit = [
        "collection.action.guard",
        "collection.reminder.sender",
        "collection.reminder.notice.of.default",
        "collection.reminder.outcome",
        "collection.reminder.hand.off",
    ]
    _description = "Collection Reminder"
    # What happened to a reminder is written by its senders only (the run, the
    # hourly sender, the queues' and gateways' read-backs, all as superuser):
    # nobody marks a reminder sent by editing it.
    _collection_action_fields = (
        "state",
        "sent_date",
        "claimed_date",
        "attempt_count",
        "next_attempt_date",
        "recipient",
        "message",
        "reason",
        "provider_id",
        "external_ref",
        "mail_id",
        "sms_id",
        "activity_id",
    )
    _order = "due_date desc, id desc"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    step_id = fields.Many2one(
        comodel_name="collection.reminder.step", required=True, ondelete="cascade", index=True
    )
    level_id = fields.Many2one(related="step_id.level_id", store=True)
    # Indexed: the flags count each day's candidates' attempts by customer
    # (collection.interaction._attempts_since), and the table keeps every
    # reminder ever sent (over 550,000 rows, about a year at 100,000 invoices,
    # 50 customers' attempts took 49 ms without the index, 2 ms with it).
    partner_id = fields.Many2one(related="ticket_id.commercial_partner_id", store=True, index=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    channel = fields.Selection(selection=CHANNELS, required=True)
    due_date = fields.Date(required=True)
    state = fields.Selection(
        selection=REMINDER_STATES,
        required=True,
        default="queued",
        index=True,
    )
    sent_date = fields.Datetime(readonly=True)
    claimed_date = fields.Datetime(
        string="Claimed On", readonly=True, help="When a sender took it to send."
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_attempt_date = fields.Datetime(string="Next Attempt", readonly=True, index=True)
    recipient = fields.Char(help="Email address or E.164 phone number used.")
    message = fields.Text(help="What was sent, as rendered.")
    reason = fields.Text(help="Why the step was skipped or failed.")
    provider_id = fields.Many2one(comodel_name="collection.channel.provider")
    external_ref = fields.Char(string="Gateway Reference", readonly=True, index="btree_not_null")
    mail_id = fields.Many2one(
        comodel_name="mail.mail", string="Email", readonly=True, index="btree_not_null"
    )
    sms_id = fields.Many2one(
        comodel_name="sms.sms", string="SMS", readonly=True, index="btree_not_null"
    )
    activity_id = fields.Many2one(
        comodel_name="mail.activity", readonly=True, index="btree_not_null"
    )

    _ticket_step_uniq = models.Constraint(
        "UNIQUE(ticket_id, step_id)",
        "A reminder step is applied to a case once only.",
    )

    def _collection_initial_values(self):
        """A reminder someone creates by hand starts queued, with no outcome; the
        run (superuser) logs steps as it decides them, skipped ones included."""
        if self.env.su:
            return {}
        return {name: False for name in self._collection_action_fields} | {"state": "queued"}

    def _idempotency_key(self):
        """The key the gateway deduplicates on: the case and the step, so a rerun,
        a retry or a second worker sends the same key for the same message."""
        self.ensure_one()
        return f"collection-{self.ticket_id.id}-{self.step_id.id}"

    # ------------------------------------------------------------------
    # Sending within the contact rules
    # ------------------------------------------------------------------

    def _send_within_rules(self):
        """Send what the contact rules allow now; opt-outs are skipped for good,
        the rest (hours, attempt cap) waits in the queue for a later run."""
        to_send = self._due_to_send()._skip_uncontactable_cases()
        if not to_send:
            return
        now = fields.Datetime.now()
        allowed, skipped, postponed = self.browse(), {}, {}
        # Each case follows its own company's contact rules and attempt counts.
        for company, company_reminders in to_send.grouped("company_id").items():
            since = now - timedelta(days=company.collection_attempt_window)
            attempts = self.env["collection.interaction"]._attempts_since(
                company_reminders.partner_id, since, company=company
            )
            for reminder in company_reminders:
                partner, channel = reminder.partner_id, reminder.channel
                if channel != "activity" and partner._collection_opted_out(channel):
                    skipped[reminder.id] = self.env._("The customer opted out of %s.", channel)
                    continue
                reason = partner._collection_contact_blocked(
                    channel, now, company, attempts=attempts
                )
                if reason:
                    postponed[reminder.id] = self.env._("Postponed: %s.", reason)
                    continue
                allowed |= reminder
                key = (partner.id, channel)
                attempts[key] = attempts.get(key, 0) + 1
        self._skip(skipped)
        for reason, reminders in (
            self.browse(list(postponed)).grouped(lambda r: postponed[r.id]).items()
        ):
            reminders.write({"reason": reason})
        allowed._send()

    def _due_to_send(self):
        """Queued reminders, and those to retry whose next attempt is due."""
        now = fields.Datetime.now()
        return self.filtered(
            lambda r: (
                r.state in CLAIMABLE_STATES
                and (not r.next_attempt_date or r.next_attempt_date <= now)
            )
        )

    def _skip_uncontactable_cases(self):
        """Checked when sending, not only when the step was logged: a case that was
        paid, closed or paused since (a promise, a payment plan, a settlement, an
        approved exception) is not contacted. Returns the reminders still to send."""
        if not self:
            return self
        paused = self.ticket_id._collection_reminders_paused()
        issues = self.ticket_id._collection_service_issues()
        reasons = {}
        for reminder in self:
            ticket = reminder.ticket_id
            if ticket.stage_id.closed or ticket.amount_overdue <= 0:
                reasons[reminder.id] = self.env._(
                    "Not sent: the case was closed or paid before the reminder went out."
                )
            elif ticket in paused:
                reasons[reminder.id] = self.env._(
                    "Not sent: reminders are paused on this case (a promise to pay, a "
                    "payment plan, a settlement or an approved exception)."
                )
            else:
                reason = reminder._collection_service_issue_conflict(issues.get(ticket.id))
                if reason:
                    reasons[reminder.id] = reason
        self._skip(reasons)
        return self.filtered(lambda r: r.id not in reasons)

    def _collection_service_issue_conflict(self, issue):
        """Rule (solar policy, Service issues), checked again when sending: a
        payment reminder logged before the customer's service ticket ``issue``
        opened is not sent while it is open, and a service-issue message whose
        ticket was closed meanwhile is not sent either. Returns why, or False."""
        self.ensure_one()
        message_set = self.step_id.message_set
        if message_set == "payment" and issue:
            return self.env._(
                "Not sent: service issue open: %s. No payment demand while it is open.",
                issue.display_name,
            )
        if message_set == "service_issue" and not issue:
            return self.env._(
                "Not sent: the customer's service issue was closed before the message went out."
            )
        return False

    @api.model
    def _cron_send_queued(self):
        """Hourly: settle reminders a stopped sender left behind, then send the
        reminders the contact rules held back and those due for a retry."""
        self._resolve_stale_sending()
        today = fields.Date.context_today(self)
        queued = self.sudo().search(
            [
                ("state", "in", list(CLAIMABLE_STATES)),
                ("due_date", "<=", today),
                "|",
                ("next_attempt_date", "=", False),
                ("next_attempt_date", "<=", fields.Datetime.now()),
            ]
        )
        queued._send_within_rules()

    def _send(self):
        """Send queued reminders; each channel handles its whole batch at once."""
        for channel, reminders in (
            self.filtered(lambda r: r.state in CLAIMABLE_STATES).grouped("channel").items()
        ):
            getattr(reminders, f"_send_{channel}")()

    # ------------------------------------------------------------------
    # Exactly once
    # ------------------------------------------------------------------

    def _claim(self, provider=None):
        """Take these reminders for sending, once.

        Rows another sender holds are passed over (``FOR UPDATE SKIP LOCKED``)
        and rows already claimed or settled are left alone, so a second worker or
        a rerun never sends the same reminder; the claim is saved (committed by
        the caller in the cron) before any outside call. Returns what was claimed.
        """
        if not self:
            return self
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE collection_reminder
                   SET state = 'sending', claimed_date = %(now)s, provider_id = %(provider)s,
                       attempt_count = COALESCE(attempt_count, 0) + 1
                 WHERE id IN (
                        SELECT id FROM collection_reminder
                         WHERE id = ANY(%(ids)s) AND state IN %(states)s
                           AND (next_attempt_date IS NULL OR next_attempt_date <= %(now)s)
                           FOR UPDATE SKIP LOCKED)
             RETURNING id
                """,
                now=now,
                provider=provider.id if provider else None,
                ids=self.ids,
                states=CLAIMABLE_STATES,
            )
        )
        claimed = self.browse(sorted(row[0] for row in self.env.cr.fetchall()))
        self.invalidate_recordset(["state", "claimed_date", "provider_id", "attempt_count"])
        return claimed

    def _skip(self, reasons):
        """Mark reminders skipped, {reminder id: reason}; the run never stops on them."""
        if reasons:
            self.browse(list(reasons))._record_results(
                {rid: ("skipped", reason, None) for rid, reason in reasons.items()}
            )

    def _set_values(self, values):
        """Per-reminder values {id: {field: value}} (recipient, message, links) in one UPDATE."""
        bulk_sql.update_rows(self, values)
