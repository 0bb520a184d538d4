from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """Once the mail queue knows what became of an email (sent, or given up
        on), the collection reminder that handed it over says so too."""
        self.env["collection.reminder"]._update_from_mails(self)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
