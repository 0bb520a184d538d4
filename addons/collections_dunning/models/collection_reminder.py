from datetime import timedelta

from odoo import api, fields, models

from .collection_reminder_step import CHANNELS


class CollectionReminder(models.Model):
    """One reminder step applied to one case: the log that makes sending idempotent."""

    _name = "collection.reminder"
    _description = "Collection Reminder"
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
        selection=[
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("skipped", "Skipped"),
            ("failed", "Failed"),
        ],
        required=True,
        default="queued",
        index=True,
    )
    sent_date = fields.Datetime(readonly=True)
    recipient = fields.Char(help="Email address or E.164 phone number used.")
    message = fields.Text(help="What was sent, as rendered.")
    reason = fields.Text(help="Why the step was skipped or failed.")
    provider_id = fields.Many2one(comodel_name="collection.channel.provider")
    external_ref = fields.Char(string="Gateway Reference", readonly=True)
    mail_id = fields.Many2one(comodel_name="mail.mail", string="Email", readonly=True)
    sms_id = fields.Many2one(comodel_name="sms.sms", string="SMS", readonly=True)
    activity_id = fields.Many2one(comodel_name="mail.activity", readonly=True)

    _ticket_step_uniq = models.Constraint(
        "UNIQUE(ticket_id, step_id)",
        "A reminder step is applied to a case once only.",
    )

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
        if not self:
            return
        now = fields.Datetime.now()
        allowed, skipped, postponed = self.browse(), {}, {}
        # Each case follows its own company's contact rules and attempt counts.
        for company, company_reminders in self.grouped("company_id").items():
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

    @api.model
    def _cron_send_queued(self):
        """Hourly: send the reminders the contact rules held back."""
        today = fields.Date.context_today(self)
        queued = self.sudo().search([("state", "=", "queued"), ("due_date", "<=", today)])
        queued._send_within_rules()

    def _send(self):
        """Send queued reminders; each channel handles its whole batch at once."""
        for channel, reminders in (
            self.filtered(lambda r: r.state == "queued").grouped("channel").items()
        ):
            getattr(reminders, f"_send_{channel}")()

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
        reasons = {
            reminder.id: self.env._(
                "%s has no email address.", reminder.ticket_id.partner_id.display_name
            )
            for reminder in self
            if not reminder.ticket_id.partner_id.email
        }
        self._skip(reasons)
        sendable = self.filtered(lambda r: r.id not in reasons)
        values = {}
        for template, reminders in sendable.grouped(lambda r: r.step_id.mail_template_id).items():
            mails = template.sudo().send_mail_batch(reminders.ticket_id.ids)
            mail_by_ticket = {mail.res_id: mail for mail in mails}
            for reminder in reminders:
                mail = mail_by_ticket.get(reminder.ticket_id.id)
                values[reminder.id] = {
                    "recipient": reminder.ticket_id.partner_id.email,
                    "message": mail.subject if mail else False,
                    "mail_id": mail.id if mail else None,
                }
        self._set_values(values)
        sendable._record_results({rid: ("sent", None, None) for rid in sendable.ids})

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
        sendable._record_results({rid: ("sent", None, None) for rid in sendable.ids})

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
            provider = Provider._for_channel(company, channel) or Provider.new(
                {"channel": channel, "provider_type": "recording", "name": "Recording"}
            )
            provider._deliver(reminders, texts)

    def _send_whatsapp(self):
        self._send_through_provider()

    def _send_ivr(self):
        self._send_through_provider()

    def _send_activity(self):
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        # quick_update: no email per activity; the agents' activity lists show them.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": reminder.ticket_id.id,
                        "activity_type_id": reminder.step_id.activity_type_id.id,
                        "summary": reminder.step_id.name,
                        "user_id": (
                            reminder.ticket_id.user_id
                            or reminder.ticket_id.team_id.user_id
                            or self.env.ref("base.user_admin")
                        ).id,
                        "date_deadline": reminder.due_date,
                    }
                    for reminder in self
                ]
            )
        )
        self._set_values(
            {
                reminder.id: {"activity_id": activity.id, "recipient": activity.user_id.name}
                for reminder, activity in zip(self, activities, strict=True)
            }
        )
        self._record_results({rid: ("sent", None, None) for rid in self.ids})
