from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestCallbackSla(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-02 10:00:00"):
            cls.ticket = cls._create_ticket()
            cls._transfer(cls.ticket)

    def _callback_activity(self):
        return self.ticket.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("collections_dunning.mail_activity_type_callback")
            )
        )

    def _search(self, state):
        return self.env["helpdesk.ticket"].search(
            [("callback_sla_state", "=", state), ("id", "=", self.ticket.id)]
        )

    def test_pending_until_deadline_then_late(self):
        with freeze_time("2026-03-02 10:29:00"):
            self.ticket.invalidate_recordset(["callback_sla_state"])
            self.assertEqual(self.ticket.callback_sla_state, "pending")
            self.assertEqual(self._search("pending"), self.ticket)
            self.assertFalse(self._search("late"))
        with freeze_time("2026-03-02 10:31:00"):
            self.ticket.invalidate_recordset(["callback_sla_state"])
            self.assertEqual(self.ticket.callback_sla_state, "late")
            self.assertEqual(self._search("late"), self.ticket)
            self.assertFalse(self._search("pending"))

    def test_callback_done_in_time_is_on_time(self):
        with freeze_time("2026-03-02 10:20:00"):
            self._callback_activity().with_user(self.ticket.user_id).action_done()
        self.assertEqual(str(self.ticket.first_contact_date), "2026-03-02 10:20:00")
        with freeze_time("2026-03-05 09:00:00"):
            self.ticket.invalidate_recordset(["callback_sla_state"])
            self.assertEqual(self.ticket.callback_sla_state, "on_time")
            self.assertEqual(self._search("on_time"), self.ticket)
            self.assertFalse(self._search("late"))

    def test_callback_done_after_deadline_is_late(self):
        with freeze_time("2026-03-02 11:05:00"):
            self._callback_activity().action_done()
        self.assertEqual(self.ticket.callback_sla_state, "late")
        self.assertEqual(self._search("late"), self.ticket)

    def test_first_contact_is_kept_by_later_contacts(self):
        with freeze_time("2026-03-02 10:10:00"):
            self.ticket._collection_register_contact()
        with freeze_time("2026-03-02 12:00:00"):
            self.ticket._collection_register_contact()
        self.assertEqual(str(self.ticket.first_contact_date), "2026-03-02 10:10:00")

    def test_other_activities_do_not_count_as_contact(self):
        todo = self.ticket.activity_schedule("mail.mail_activity_data_todo")
        todo.action_done()
        self.assertFalse(self.ticket.first_contact_date)

    def test_tickets_without_callback_have_no_sla(self):
        other = self._create_ticket()
        self.assertFalse(other.callback_sla_state)
        found = self.env["helpdesk.ticket"].search(
            [("callback_sla_state", "in", ["pending", "late", "on_time"]), ("id", "=", other.id)]
        )
        self.assertFalse(found)
        self.assertEqual(
            self.env["helpdesk.ticket"].search(
                [("callback_sla_state", "=", False), ("id", "=", other.id)]
            ),
            other,
        )

    def test_manager_filters_late_callbacks(self):
        on_time = self._create_ticket(purifier_id="PUR-2")
        with freeze_time("2026-03-02 10:00:00"):
            self._transfer(on_time)
        with freeze_time("2026-03-02 10:05:00"):
            on_time._collection_register_contact()
        with freeze_time("2026-03-02 12:00:00"):
            action = self.env.ref("collections_dunning.helpdesk_ticket_action_callback_late")
            late = (
                self.env["helpdesk.ticket"]
                .with_user(self.manager)
                .search([("callback_sla_state", "=", "late")] + safe_eval(action.domain))
            )
        self.assertIn(self.ticket, late)
        self.assertNotIn(on_time, late)
