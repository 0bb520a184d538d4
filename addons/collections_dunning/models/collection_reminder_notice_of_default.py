from odoo import api, fields, models


class CollectionReminderNoticeOfDefault(models.AbstractModel):
    """The notice of default as a reminder step (issue 12, lending flow step 3):
    issued by email from the recovery address and by SMS with a link to its PDF,
    ``sent`` once one of them went. Mixed into ``collection.reminder`` before
    ``collection.reminder.outcome``, whose read-backs it extends."""

    _name = "collection.reminder.notice.of.default"
    _description = "Collection Reminder: Notice of Default"

    def _send_notice_of_default(self):
        """Rule (lending flow, step 3, days 6-9): "Issue a formal Notice of Default
        via registered email, SMS ... from the company's authorized recovery email
        ID." The notice PDF goes by email (attached, from the recovery address of
        the template) and, when the customer has a valid number, by SMS with a
        link to the same PDF (its attachment's access token). Both are handed to
        Odoo's queues; the reminder reads ``sent`` only once one of them went
        (``_update_notice_of_default``)."""
        reasons = {
            reminder.id: self.env._(
                "%s has no email address for the notice of default.",
                reminder.ticket_id.partner_id.display_name,
            )
            for reminder in self
            if not reminder.ticket_id.partner_id.email
        }
        self._skip(reasons)
        sendable = self.filtered(lambda r: r.id not in reasons)
        if not sendable:
            return
        numbers, _no_phone = sendable._phone_numbers()
        now = fields.Datetime.now()
        values, sms_vals, logs = {}, [], {}
        for step, reminders in sendable.grouped("step_id").items():
            mail_template, sms_template = step._notice_templates()
            mails = mail_template.sudo().send_mail_batch(
                reminders.ticket_id.ids, email_values={"auto_delete": False}
            )
            mail_by_ticket = {mail.res_id: mail for mail in mails}
            texts = sms_template._render_field("body", reminders.ticket_id.ids, compute_lang=True)
            for reminder in reminders:
                ticket = reminder.ticket_id
                mail = mail_by_ticket.get(ticket.id)
                link = mail and self._notice_pdf_link(mail)
                values[reminder.id] = {
                    "recipient": ticket.partner_id.email,
                    "message": mail.subject if mail else False,
                    "mail_id": mail.id if mail else None,
                    "state": "sending" if mail else "failed",
                    "claimed_date": now,
                    "attempt_count": (reminder.attempt_count or 0) + 1,
                    "reason": None if mail else self.env._("The notice could not be rendered."),
                }
                if mail and link and reminder.id in numbers:
                    text = f"{texts[ticket.id]} {link}"
                    sms_vals.append(
                        (
                            reminder,
                            {
                                "number": numbers[reminder.id],
                                "body": text,
                                "partner_id": ticket.partner_id.id,
                                "state": "outgoing",
                            },
                        )
                    )
                logs[ticket.id] = self.env._(
                    "Notice of default issued by email to %(email)s%(sms)s.",
                    email=ticket.partner_id.email,
                    sms=self.env._(" and by SMS to %s", numbers[reminder.id])
                    if reminder.id in numbers
                    else "",
                )
        sms_list = self.env["sms.sms"].sudo().create([vals for _reminder, vals in sms_vals])
        for (reminder, _vals), sms in zip(sms_vals, sms_list, strict=True):
            values[reminder.id]["sms_id"] = sms.id
        self._set_values(values)
        sendable.ticket_id._message_log_batch(bodies=logs)

    def _notice_pdf_link(self, mail):
        """The link an SMS carries to the notice PDF attached to ``mail``: Odoo's
        download URL with the attachment's access token (no login needed)."""
        attachment = mail.attachment_ids[:1]
        if not attachment:
            return False
        token = attachment.sudo().generate_access_token()[0]
        base = mail.get_base_url()
        return f"{base}/web/content/{attachment.id}?access_token={token}&download=true"

    @api.model
    def _update_from_mails(self, mails):
        """Notices read their state from both queues; the others as every email."""
        notices = self.sudo().search(
            [("mail_id", "in", mails.ids), ("channel", "=", "notice_of_default")]
        )
        notices._update_notice_of_default()
        return super()._update_from_mails(mails - notices.mail_id)

    @api.model
    def _update_from_sms(self, sms_records):
        """Notices read their state from both queues; the others as every SMS."""
        notices = self.sudo().search(
            [("sms_id", "in", sms_records.ids), ("channel", "=", "notice_of_default")]
        )
        notices._update_notice_of_default()
        return super()._update_from_sms(sms_records - notices.sms_id)

    def _update_notice_of_default(self):
        """Rule (issue 12): a notice is ``sent`` once its email or its SMS went
        (the mail queue sent the email, the SMS provider accepted the SMS), and
        ``failed`` only when every channel it used failed; until then it stays
        ``sending``. What failed beside a sent channel is kept as the reason."""
        results = {}
        for reminder in self.filtered(lambda r: r.state == "sending"):
            mail, sms = reminder.mail_id, reminder.sms_id
            mail_went = mail.state in ("sent", "received")
            sms_went = sms.state in ("pending", "sent")
            mail_failed = not mail or mail.state in ("exception", "cancel")
            sms_failed = not sms or sms.state in ("error", "canceled")
            failures = [
                text
                for failed, text in (
                    (mail and mail_failed, self.env._("the email failed")),
                    (sms and sms_failed, self.env._("the SMS failed")),
                )
                if failed
            ]
            if mail_went or sms_went:
                results[reminder.id] = ("sent", ", ".join(failures) or None, None)
            elif mail_failed and sms_failed:
                results[reminder.id] = (
                    "failed",
                    mail.failure_reason or self.env._("The notice could not be sent."),
                    None,
                )
        self.browse(list(results))._record_results(results)
