from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """The recovery email sent by the mail queue notifies the customer; a legal
        notice's email, sent or given up on, says so on the notice."""
        sent = self.filtered(lambda mail: mail.state in ("sent", "received"))
        if sent:
            self.env["helpdesk.ticket"].sudo().search(
                [("art_notification_mail_id", "in", sent.ids)]
            )._art_mark_notified()
        self.env["collection.legal.notice"]._update_from_mails(self)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
