from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestTransfer(CollectionsCommon):
    @freeze_time("2026-03-02 10:00:00")
    def test_transfer_moves_ticket_and_promises_callback(self):
        ticket = self._create_ticket()
        self._transfer(ticket.with_user(self.support_user), "Card declined twice, wants to pay")

        self.assertEqual(ticket.team_id, self.team_collections)
        self.assertTrue(ticket.is_collection_ticket)
        self.assertIn(ticket.user_id, self.agent_1 | self.agent_2)
        self.assertEqual(ticket.callback_deadline, datetime(2026, 3, 2, 10, 30))
        self.assertEqual(ticket.callback_sla_state, "pending")
        self.assertEqual(ticket.collection_transferred_by_id, self.support_user)
        self.assertEqual(ticket.collection_transfer_date, datetime(2026, 3, 2, 10, 0))
        self.assertEqual(ticket.collection_origin_team_id, self.team_support)
        callback_type = self.env.ref("collections_dunning.mail_activity_type_callback")
        activity = ticket.activity_ids.filtered(lambda a: a.activity_type_id == callback_type)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, ticket.user_id)
        self.assertEqual(str(activity.date_deadline), "2026-03-02")
        note = ticket.message_ids.filtered(lambda m: "Transferred to Collections" in m.body)
        self.assertEqual(len(note), 1)
        self.assertIn(self.support_user.name, note.body)
        self.assertIn("Card declined twice, wants to pay", note.body)
        self.assertEqual(note.author_id, self.support_user.partner_id)

    @freeze_time("2026-03-02 10:00:00")
    def test_callback_delay_is_configurable(self):
        self.company.collection_callback_delay = 45
        ticket = self._create_ticket()
        self._transfer(ticket)
        self.assertEqual(ticket.callback_deadline, datetime(2026, 3, 2, 10, 45))

    def test_refuses_technical_category(self):
        for category in (self.category_wifi, self.category_referral):
            ticket = self._create_ticket(category_id=category.id)
            with self.assertRaisesRegex(UserError, "Resolve it with Support first"):
                ticket.action_transfer_to_collections()
            self.assertEqual(ticket.team_id, self.team_support)

    def test_refuses_ticket_without_category(self):
        ticket = self._create_ticket(category_id=False)
        with self.assertRaisesRegex(UserError, "not a payment matter"):
            ticket.action_transfer_to_collections()

    def test_refuses_missing_purifier(self):
        ticket = self._create_ticket(purifier_id=False)
        with self.assertRaisesRegex(UserError, "Purifier ID"):
            ticket.action_transfer_to_collections()
        self.assertEqual(ticket.team_id, self.team_support)
        self.assertFalse(ticket.activity_ids)

    def test_refuses_purifier_not_matching_pattern(self):
        ticket = self._create_ticket(purifier_id="12345")
        # The pattern is tightened after the serial was typed in.
        self.company.collection_purifier_pattern = r"PUR-\d{6}"
        with self.assertRaisesRegex(ValidationError, r"PUR-\\d\{6\}"):
            ticket.action_transfer_to_collections()
        self.assertEqual(ticket.team_id, self.team_support)

    def test_refuses_already_transferred(self):
        ticket = self._create_ticket()
        self._transfer(ticket)
        with self.assertRaisesRegex(UserError, "already with Collections"):
            ticket.action_transfer_to_collections()

    def test_wizard_requires_reason(self):
        ticket = self._create_ticket()
        action = ticket.action_transfer_to_collections()
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(wizard_form.callback_delay, 30)
        self.assertEqual(wizard_form.purifier_id, "PUR-000123")
        with self.assertRaises(AssertionError):
            wizard_form.save()  # reason is required
        with self.assertRaisesRegex(UserError, "Say why"):
            ticket._transfer_to_collections("   ")
        self.assertFalse(ticket.is_collection_ticket)

    def test_support_agent_limited_to_own_team_can_transfer(self):
        ticket = self._create_ticket()
        self._transfer(ticket.with_user(self.support_team_user))
        self.assertTrue(ticket.is_collection_ticket)
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: "Transferred to Collections" in m.body)
        )

    def test_balanced_assignment_gives_ticket_to_least_loaded_agent(self):
        self._create_ticket(team_id=self.team_collections.id, user_id=self.agent_1.id)
        ticket = self._create_ticket()
        self._transfer(ticket)
        self.assertEqual(ticket.user_id, self.agent_2)

    def test_round_robin_assignment_takes_turns(self):
        self.team_collections.collection_assign_method = "round_robin"
        tickets = [self._create_ticket(purifier_id=f"PUR-00000{n}") for n in range(3)]
        for ticket in tickets:
            self._transfer(ticket)
        self.assertEqual([t.user_id for t in tickets], [self.agent_1, self.agent_2, self.agent_1])

    def test_manual_assignment_leaves_ticket_unassigned(self):
        self.team_collections.collection_assign_method = "manual"
        ticket = self._create_ticket()
        self._transfer(ticket)
        self.assertFalse(ticket.user_id)
        # The callback activity still lands on somebody's to-do list.
        self.assertTrue(ticket.activity_ids.user_id)

    def test_only_collection_agents_of_the_team_are_assigned(self):
        self.team_collections.user_ids |= self.support_user
        self.team_collections.collection_assign_method = "round_robin"
        users = set()
        for n in range(4):
            ticket = self._create_ticket(purifier_id=f"PUR-10000{n}")
            self._transfer(ticket)
            users.add(ticket.user_id)
        self.assertEqual(users, {self.agent_1, self.agent_2})

    def test_activity_due_date_follows_callback_across_midnight(self):
        with freeze_time("2026-03-02 23:50:00"):
            ticket = self._create_ticket()
            self._transfer(ticket)
        self.assertEqual(ticket.callback_deadline, datetime(2026, 3, 3, 0, 20))
        self.assertEqual(str(ticket.activity_ids.date_deadline), "2026-03-03")
