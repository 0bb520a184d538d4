from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPurifier(CollectionsCommon):
    def test_pattern_refuses_wrong_serial_and_shows_it(self):
        self.company.collection_purifier_pattern = r"PUR-\d{6}"
        with self.assertRefused(ValidationError, r"must match the pattern PUR-\\d\{6\}"):
            self._create_ticket(purifier_id="PUR-12")
        ticket = self._create_ticket(purifier_id="PUR-123456")
        with self.assertRefused(ValidationError, "expected format"):
            ticket.purifier_id = "XPUR-123456"
        self.env.invalidate_all()
        self.assertEqual(ticket.purifier_id, "PUR-123456")

    def test_pattern_must_match_the_whole_value(self):
        self.company.collection_purifier_pattern = r"PUR-\d{6}"
        with self.assertRaises(ValidationError):
            self._create_ticket(purifier_id="PUR-1234567")

    def test_blank_pattern_accepts_any_serial(self):
        ticket = self._create_ticket(purifier_id="any serial 42")
        self.assertEqual(ticket.purifier_id, "any serial 42")

    def test_serial_is_trimmed(self):
        self.company.collection_purifier_pattern = r"PUR-\d{6}"
        ticket = self._create_ticket(purifier_id="  PUR-654321 ")
        self.assertEqual(ticket.purifier_id, "PUR-654321")
        ticket.purifier_id = "   "
        self.assertFalse(ticket.purifier_id)

    def test_invalid_pattern_is_refused_in_settings(self):
        with self.assertRefused(ValidationError, "not a valid regular expression"):
            self.env["res.config.settings"].create(
                {"collection_purifier_pattern": "PUR-[0-9"}
            ).execute()
        self.env.invalidate_all()
        self.assertFalse(self.company.collection_purifier_pattern)

    def test_pattern_set_from_settings(self):
        settings = self.env["res.config.settings"].create({})
        settings.collection_purifier_pattern = r"[A-Z]{3}\d{4}"
        settings.execute()
        self.assertEqual(self.company.collection_purifier_pattern, r"[A-Z]{3}\d{4}")
        with self.assertRaises(ValidationError):
            self._create_ticket(purifier_id="abc1234")


@tagged("post_install", "-at_install")
class TestReturnToSupport(CollectionsCommon):
    def _assert_returned(self, ticket, team):
        self.assertEqual(ticket.team_id, team)
        self.assertFalse(ticket.is_collection_ticket)
        self.assertTrue(
            any("Purifier ID" in body and "Returned to" in body for body in self._notes(ticket)),
            "the chatter says why the ticket came back",
        )

    def test_ticket_created_in_collections_without_serial_goes_to_support(self):
        """Import or API: the ticket is created straight in Collections."""
        ticket = self._create_ticket(team_id=self.team_collections.id, purifier_id=False)
        self._assert_returned(ticket, self.team_support)
        self.assertEqual(ticket.name, "Card payment declined")
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.category_id, self.category_payment)
        self.assertIn("declined twice", ticket.description)

    def test_team_changed_to_collections_returns_to_previous_team(self):
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Billing Desk"})
        ticket = self._create_ticket(team_id=other_team.id, purifier_id=False)
        ticket.write({"team_id": self.team_collections.id})
        self._assert_returned(ticket, other_team)

    def test_imported_batch_only_returns_tickets_without_serial(self):
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Imported {n}",
                    "description": "<p>import</p>",
                    "team_id": self.team_collections.id,
                    "purifier_id": serial,
                }
                for n, serial in enumerate(["PUR-1", False, "PUR-3"])
            ]
        )
        self.assertEqual(tickets.mapped("is_collection_ticket"), [True, False, True])

    def test_dragging_into_a_collections_stage_returns_ticket(self):
        stage = self.env["helpdesk.ticket.stage"].create(
            {
                "name": "Promise to pay",
                "team_ids": [Command.set(self.team_collections.ids)],
                "sequence": 50,
            }
        )
        ticket = self._create_ticket(purifier_id=False)
        ticket.write({"stage_id": stage.id})
        self.assertEqual(ticket.team_id, self.team_support)
        self.assertNotEqual(ticket.stage_id, stage)
        self.assertTrue(any("Returned to" in body for body in self._notes(ticket)))

    def test_clearing_serial_of_collection_ticket_returns_it(self):
        ticket = self._create_ticket()
        self._transfer(ticket)
        ticket.purifier_id = False
        self._assert_returned(ticket, self.team_support)
        # What Collections already knew about it stays on the ticket.
        self.assertTrue(ticket.collection_transfer_reason)
        self.assertTrue(ticket.callback_deadline)

    def test_ticket_with_serial_stays_in_collections(self):
        ticket = self._create_ticket(team_id=self.team_collections.id)
        self.assertTrue(ticket.is_collection_ticket)
        self.assertFalse(any("Returned to" in body for body in self._notes(ticket)))
