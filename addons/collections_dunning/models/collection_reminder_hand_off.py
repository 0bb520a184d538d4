from odoo import api, fields, models

from .collection_reminder_step import CHANNELS


class CollectionReminderHandOff(models.AbstractModel):
    """By hand: reminders no gateway sends become to-dos of the case's agent,
    and the agent's marking them done (or cancelling them) is their outcome.
    Mixed into ``collection.reminder``."""

    _name = "collection.reminder.hand.off"
    _description = "Collection Reminder Hand-off to Agents"

    def _schedule_for_agents(self, values):
        """One activity per reminder on its case, for the case's agent (else the
        team leader, else the administrator), due on the reminder's date, without
        an email per activity (the agents' activity lists show them):
        ``values`` = {reminder id: {activity_type_id, summary, note...}}."""
        admin = self.env.ref("base.user_admin")
        return self.env["helpdesk.ticket"]._collection_create_activities(
            [
                {
                    "res_id": reminder.ticket_id.id,
                    "user_id": (
                        reminder.ticket_id.user_id or reminder.ticket_id.team_id.user_id or admin
                    ).id,
                    "date_deadline": reminder.due_date,
                    **values[reminder.id],
                }
                for reminder in self
            ]
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
