from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking the "Call back customer" activity done logs the first contact."""
        callback_type = self.env.ref(
            "collections_dunning.mail_activity_type_callback", raise_if_not_found=False
        )
        ticket_ids = {
            activity.res_id
            for activity in self
            if activity.res_model == "helpdesk.ticket"
            and callback_type
            and activity.activity_type_id == callback_type
        }
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if ticket_ids:
            self.env["helpdesk.ticket"].browse(ticket_ids)._collection_register_contact()
        return res
