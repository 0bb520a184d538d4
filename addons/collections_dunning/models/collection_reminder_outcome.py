from datetime import timedelta

from odoo import api, fields, models

# How far along a message is, as gateways report it: reports only move forward.
REPORT_RANK = {"sending": 0, "unknown": 0, "sent": 1, "delivered": 2, "read": 3}


class CollectionReminderOutcome(models.AbstractModel):
    """What became of reminders: written by their senders, read back from Odoo's
    mail and SMS queues and from the gateways' status reports, settled when a
    sender stopped half-way. Mixed into ``collection.reminder``."""

    _name = "collection.reminder.outcome"
    _description = "Collection Reminder Outcomes"

    def _record_results(self, results, provider=None):
        """Write what became of each reminder: {id: (state, reason, external ref)}."""
        now = fields.Datetime.now()
        by_outcome = {}
        for reminder in self:
            state, reason, ref = results[reminder.id]
            by_outcome.setdefault((state, reason, ref), self.browse())
            by_outcome[(state, reason, ref)] |= reminder
        for (state, reason, ref), reminders in by_outcome.items():
            vals = {"state": state, "reason": reason}
            if state == "sent":
                vals["sent_date"] = now
            if ref:
                vals["external_ref"] = ref
            if provider:
                vals["provider_id"] = provider.id
            reminders.write(vals)

    def _record_failure(self, error, provider):
        """A time-out, 429 or 5xx waits for its next attempt with exponential
        backoff, up to the provider's maximum attempts; any other refusal (an
        invalid number, a rejected template) fails at once with the reason."""
        now = fields.Datetime.now()
        reason = provider._safe_reason(error)
        for reminder in self:
            attempts = reminder.attempt_count or 1
            if error.retryable and attempts < provider.max_attempts:
                delay = provider.backoff * 2 ** (attempts - 1)
                reminder.write(
                    {
                        "state": "retry",
                        "next_attempt_date": now + timedelta(seconds=delay),
                        "reason": self.env._(
                            "Attempt %(attempt)s of %(max)s failed: %(error)s",
                            attempt=attempts,
                            max=provider.max_attempts,
                            error=reason,
                        ),
                    }
                )
            else:
                reminder.write(
                    {"state": "failed", "next_attempt_date": False, "reason": str(error)}
                )

    @api.model
    def _resolve_stale_sending(self, minutes=15):
        """A reminder claimed by a sender that stopped before recording the
        gateway's answer is never resent blindly: the gateway is asked where its
        API allows; otherwise it reads ``unknown`` for a manager to check."""
        limit = fields.Datetime.now() - timedelta(minutes=minutes)
        stale = self.sudo().search(
            [
                ("state", "=", "sending"),
                ("claimed_date", "<", limit),
                ("provider_id", "!=", False),
            ]
        )
        for provider, reminders in stale.grouped("provider_id").items():
            found = provider._lookup(reminders)
            if found:
                reminders.browse(list(found))._record_results(found, provider)
            (reminders - reminders.browse(list(found))).write(
                {
                    "state": "unknown",
                    "reason": self.env._(
                        "The sender stopped before the gateway answered: check with the "
                        "gateway whether it went out before sending it again."
                    ),
                }
            )

    @api.model
    def _apply_status_reports(self, provider, reports):
        """Gateway reports {external ref: (state, reason)} of ``provider``'s
        messages; a report that does not move its reminder forward changes
        nothing, so repeated and late callbacks are harmless."""
        reminders = self.sudo().search(
            [("external_ref", "in", list(reports)), ("provider_id", "=", provider.id)]
        )
        now = fields.Datetime.now()
        for reminder in reminders:
            state, reason = reports[reminder.external_ref]
            if not reminder._accepts_report(state):
                continue
            vals = {"state": state, "next_attempt_date": False}
            if state == "failed":
                vals["reason"] = reason
            elif reminder.state in ("sending", "unknown"):
                vals["reason"] = False
            if not reminder.sent_date and state != "failed":
                vals["sent_date"] = now
            reminder.write(vals)

    def _accepts_report(self, state):
        """Reports move a reminder forward only: sent < delivered < read, and
        failed is final. A message that reached the customer is not failed by a
        late report; a reminder left ``unknown`` by a crash learns it was sent."""
        self.ensure_one()
        if self.state not in REPORT_RANK:
            return False
        if state == "failed":
            return self.state not in ("delivered", "read")
        return REPORT_RANK.get(state, 0) > REPORT_RANK[self.state]

    @api.model
    def _update_from_mails(self, mails):
        """An email reminder is sent when Odoo's mail queue sent it, failed when
        the queue gave up on it."""
        reminders = self.sudo().search([("mail_id", "in", mails.ids), ("state", "=", "sending")])
        results = {}
        for reminder in reminders:
            mail = reminder.mail_id
            if mail.state in ("sent", "received"):
                results[reminder.id] = ("sent", None, None)
            elif mail.state in ("exception", "cancel"):
                results[reminder.id] = (
                    "failed",
                    mail.failure_reason or self.env._("The email could not be sent."),
                    None,
                )
        reminders.browse(list(results))._record_results(results)

    @api.model
    def _update_from_sms(self, sms_records):
        """An SMS reminder is sent when the SMS provider accepted it, delivered when
        the provider reports delivery, failed with the provider's reason."""
        reminders = self.sudo().search(
            [("sms_id", "in", sms_records.ids), ("state", "in", ("sending", "sent"))]
        )
        failure_labels = dict(
            self.env["sms.sms"]._fields["failure_type"]._description_selection(self.env)
        )
        results = {}
        for reminder in reminders:
            sms = reminder.sms_id
            if sms.state == "pending" and reminder.state == "sending":
                results[reminder.id] = ("sent", None, None)
            elif sms.state == "sent":
                results[reminder.id] = ("delivered", None, None)
            elif sms.state in ("error", "canceled"):
                results[reminder.id] = (
                    "failed",
                    failure_labels.get(sms.failure_type)
                    or self.env._("The SMS could not be sent."),
                    None,
                )
        for reminder in reminders.browse(list(results)):
            state = results[reminder.id][0]
            if state == "delivered" and not reminder.sent_date:
                reminder.sent_date = fields.Datetime.now()
        reminders.browse(list(results))._record_results(results)
