from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

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
# How far along a message is, as gateways report it: reports only move forward.
REPORT_RANK = {"sending": 0, "unknown": 0, "sent": 1, "delivered": 2, "read": 3}


class CollectionReminder(models.Model):
    """One reminder step applied to one case: the log that makes sending idempotent.

    Its state says what happened, never more: ``sending`` once claimed by a
    sender (or handed to Odoo's mail / SMS queue), ``sent`` once the gateway or
    the queue accepted it, ``delivered`` / ``read`` when the channel reports it,
    ``retry`` with the time of the next attempt, ``failed`` with the reason,
    ``manual`` while an agent has to send it by hand, ``unknown`` when a sender
    stopped between claiming and hearing back (shown to managers, never resent
    blindly).
    """

    _name = "collection.reminder"
    _inherit = ["collection.action.guard"]
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
    partner_id = fields.Many2one(related="ticket_id.commercial_partner_id", store=True)
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

    # ------------------------------------------------------------------
    # Sending, one batch per channel
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
        paid, closed or paused since (a promise, a payment plan, a settlement) is
        not contacted. Returns the reminders still to send."""
        if not self:
            return self
        paused = self.ticket_id._collection_reminders_paused()
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
                    "payment plan or a settlement)."
                )
        self._skip(reasons)
        return self.filtered(lambda r: r.id not in reasons)

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

    # ------------------------------------------------------------------
    # Outcomes reported by gateways (status webhooks)
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # WhatsApp templates
    # ------------------------------------------------------------------

    def _fail_without_whatsapp_template(self):
        """Business-initiated WhatsApp messages must be approved templates: a
        step without a template name cannot go through the WhatsApp Cloud API,
        so its reminders fail at once saying which step to configure. Returns
        the reminders that can go."""
        missing = self.filtered(lambda r: not r.step_id.whatsapp_template_name)
        if missing:
            missing._record_results(
                {
                    reminder.id: (
                        "failed",
                        self.env._(
                            "No WhatsApp template on reminder step %(step)s of level "
                            "%(level)s: set the approved template name on the step.",
                            step=reminder.step_id.name,
                            level=reminder.step_id.level_id.code,
                        ),
                        None,
                    )
                    for reminder in missing
                }
            )
        return self - missing

    def _whatsapp_parameters(self):
        """The body parameters of each reminder's template, rendered on its case:
        {reminder id: [text, ...]}, one render per step and line. A step whose
        parameters cannot be rendered fails its reminders with the error; the
        other steps go on."""
        parameters, failures = {}, {}
        for step, reminders in self.grouped("step_id").items():
            try:
                values = step._whatsapp_render_parameters(reminders.ticket_id.ids)
            except UserError as err:
                reason = self.env._(
                    "The WhatsApp template parameters of reminder step %(step)s cannot be "
                    "rendered: %(error)s",
                    step=step.name,
                    error=err,
                )
                failures.update({reminder.id: ("failed", reason, None) for reminder in reminders})
                continue
            for reminder in reminders:
                parameters[reminder.id] = values[reminder.ticket_id.id]
        if failures:
            self.browse(list(failures))._record_results(failures)
        return parameters

    # ------------------------------------------------------------------
    # Outcomes read back from Odoo's mail and SMS queues
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # By hand: no gateway for the channel
    # ------------------------------------------------------------------

    def _schedule_for_agents(self, values):
        """One activity per reminder on its case, for the case's agent (else the
        team leader, else the administrator), due on the reminder's date, without
        an email per activity (the agents' activity lists show them):
        ``values`` = {reminder id: {activity_type_id, summary, note...}}."""
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        admin = self.env.ref("base.user_admin")
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": reminder.ticket_id.id,
                        "user_id": (
                            reminder.ticket_id.user_id
                            or reminder.ticket_id.team_id.user_id
                            or admin
                        ).id,
                        "date_deadline": reminder.due_date,
                        **values[reminder.id],
                    }
                    for reminder in self
                ]
            )
        )

    def _hand_to_agent(self, messages):
        """No gateway sends this channel: the case's agent gets a to-do with the
        text, and the reminder waits (``manual``); only the agent's marking the
        to-do done makes it sent, and a contact attempt."""
        channels = dict(CHANNELS)
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        activities = self._schedule_for_agents(
            {
                reminder.id: {
                    "activity_type_id": todo_type.id,
                    "summary": self.env._(
                        "Send the %(channel)s reminder to %(to)s by hand",
                        channel=channels.get(reminder.channel, reminder.channel),
                        to=reminder.recipient,
                    ),
                    "note": messages[reminder.id],
                }
                for reminder in self
            }
        )
        self._set_values(
            {
                reminder.id: {"activity_id": activity.id, "state": "manual", "reason": None}
                for reminder, activity in zip(self, activities, strict=True)
            }
        )

    @api.model
    def _confirm_by_agent(self, activities):
        """The agent marked the to-do done: the reminder went out by hand."""
        reminders = self.sudo().search(
            [("activity_id", "in", activities.ids), ("state", "=", "manual")]
        )
        for reminder in reminders:
            reminder.write(
                {
                    "state": "sent",
                    "sent_date": fields.Datetime.now(),
                    "reason": self.env._("Sent by hand by %s.", self.env.user.name),
                }
            )

    @api.model
    def _cancel_by_agent(self, activities):
        """The agent cancelled the to-do: the reminder was not sent."""
        reminders = self.sudo().search(
            [("activity_id", "in", activities.ids), ("state", "=", "manual")]
        )
        reminders.write(
            {
                "state": "skipped",
                "reason": self.env._("Not sent: %s cancelled the to-do.", self.env.user.name),
            }
        )

    def _skip(self, reasons):
        """Mark reminders skipped, {reminder id: reason}; the run never stops on them."""
        if reasons:
            self.browse(list(reasons))._record_results(
                {rid: ("skipped", reason, None) for rid, reason in reasons.items()}
            )

    def _phone_numbers(self):
        """E.164 number of each reminder's customer, from its country; or a reason."""
        numbers, reasons = {}, {}
        for reminder in self:
            partner = reminder.ticket_id.partner_id
            raw = partner.phone
            number = raw and partner._phone_format(fname="phone")
            if number:
                numbers[reminder.id] = number
            else:
                reasons[reminder.id] = (
                    self.env._(
                        "Invalid phone number %(number)s for %(partner)s.",
                        number=raw,
                        partner=partner.display_name,
                    )
                    if raw
                    else self.env._("%s has no phone number.", partner.display_name)
                )
        return numbers, reasons

    def _render_texts(self):
        """Message text of each reminder, rendered per template in batch."""
        texts = {}
        for template, reminders in self.grouped(lambda r: r.step_id.sms_template_id).items():
            bodies = template._render_field("body", reminders.ticket_id.ids, compute_lang=True)
            for reminder in reminders:
                texts[reminder.id] = bodies[reminder.ticket_id.id]
        return texts

    def _set_values(self, values):
        """Per-reminder values {id: {field: value}} (recipient, message, links) in one UPDATE."""
        self.env["collection.run"]._sql_update(self._name, values)

    def _send_email(self):
        """Hand the emails to Odoo's mail queue; each reminder reads ``sent`` once
        the queue has sent its email (kept, not deleted, for that)."""
        reasons = {
            reminder.id: self.env._(
                "%s has no email address.", reminder.ticket_id.partner_id.display_name
            )
            for reminder in self
            if not reminder.ticket_id.partner_id.email
        }
        self._skip(reasons)
        sendable = self.filtered(lambda r: r.id not in reasons)
        now = fields.Datetime.now()
        values = {}
        for template, reminders in sendable.grouped(lambda r: r.step_id.mail_template_id).items():
            mails = template.sudo().send_mail_batch(
                reminders.ticket_id.ids, email_values={"auto_delete": False}
            )
            mail_by_ticket = {mail.res_id: mail for mail in mails}
            for reminder in reminders:
                mail = mail_by_ticket.get(reminder.ticket_id.id)
                values[reminder.id] = {
                    "recipient": reminder.ticket_id.partner_id.email,
                    "message": mail.subject if mail else False,
                    "mail_id": mail.id if mail else None,
                    "state": "sending" if mail else "failed",
                    "claimed_date": now,
                    "attempt_count": (reminder.attempt_count or 0) + 1,
                    "reason": None if mail else self.env._("The email could not be rendered."),
                }
        self._set_values(values)

    def _text_messages(self):
        """Reminders that can go out by phone, with their E.164 numbers and texts;
        the others are skipped with the reason."""
        numbers, reasons = self._phone_numbers()
        self._skip(reasons)
        sendable = self.filtered(lambda r: r.id in numbers)
        return sendable, numbers, sendable._render_texts() if sendable else {}

    def _send_sms(self):
        sendable, numbers, texts = self._text_messages()
        if not sendable:
            return
        sms_list = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "number": numbers[reminder.id],
                        "body": texts[reminder.id],
                        "partner_id": reminder.ticket_id.partner_id.id,
                        "state": "outgoing",
                    }
                    for reminder in sendable
                ]
            )
        )
        sendable._set_values(
            {
                reminder.id: {
                    "recipient": numbers[reminder.id],
                    "message": texts[reminder.id],
                    "sms_id": sms.id,
                    # handed to Odoo's SMS queue: sent once the provider accepts it
                    "state": "sending",
                    "claimed_date": fields.Datetime.now(),
                    "attempt_count": (reminder.attempt_count or 0) + 1,
                }
                for reminder, sms in zip(sendable, sms_list, strict=True)
            }
        )
        sendable.ticket_id._message_log_batch(
            bodies={
                reminder.ticket_id.id: self.env._(
                    "SMS reminder queued to %(number)s: %(text)s",
                    number=numbers[reminder.id],
                    text=texts[reminder.id],
                )
                for reminder in sendable
            }
        )

    def _send_through_provider(self):
        sendable, numbers, texts = self._text_messages()
        if not sendable:
            return
        sendable._set_values(
            {rid: {"recipient": numbers[rid], "message": texts[rid]} for rid in sendable.ids}
        )
        Provider = self.env["collection.channel.provider"].sudo()
        for (company, channel), reminders in sendable.grouped(
            lambda r: (r.company_id, r.channel)
        ).items():
            provider = Provider._for_channel(company, channel)
            if not provider or provider.provider_type == "manual":
                reminders._hand_to_agent(texts)
            else:
                provider._deliver(reminders, texts)

    def _send_whatsapp(self):
        self._send_through_provider()

    def _send_ivr(self):
        self._send_through_provider()

    def _send_activity(self):
        """An agent follow-up step: the to-do is the reminder, sent once created."""
        activities = self._schedule_for_agents(
            {
                reminder.id: {
                    "activity_type_id": reminder.step_id.activity_type_id.id,
                    "summary": reminder.step_id.name,
                }
                for reminder in self
            }
        )
        self._set_values(
            {
                reminder.id: {"activity_id": activity.id, "recipient": activity.user_id.name}
                for reminder, activity in zip(self, activities, strict=True)
            }
        )
        self._record_results({rid: ("sent", None, None) for rid in self.ids})
