from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking the "Call back customer" activity done logs the first contact;
        marking a "send by hand" to-do done makes its reminder sent."""
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
        self.env["collection.reminder"]._confirm_by_agent(self)
        res = super(MailActivity, self.with_context(collection_activity_done=True))._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        if ticket_ids:
            self.env["helpdesk.ticket"].browse(ticket_ids)._collection_register_contact()
        return res

    def unlink(self):
        if not self.env.context.get("collection_activity_done"):
            self.env["collection.reminder"]._cancel_by_agent(self)
        return super().unlink()
