from odoo import fields, models
from odoo.exceptions import UserError


class CollectionReminderSender(models.AbstractModel):
    """Sending reminders, one batch per channel (``_send_<channel>``): email and
    SMS through Odoo's queues, WhatsApp and IVR through the company's channel
    provider, agent follow-ups as activities. Mixed into ``collection.reminder``."""

    _name = "collection.reminder.sender"
    _description = "Collection Reminder Sending per Channel"

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
