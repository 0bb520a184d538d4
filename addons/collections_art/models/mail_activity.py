from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """The officer sent the recovery notification by hand: the customer is notified."""
        self.env["helpdesk.ticket"].sudo().search(
            [("art_notification_activity_id", "in", self.ids)]
        )._art_mark_notified()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
