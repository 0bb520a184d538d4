from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-20")
class TestTechVisit(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-20"):
            cls.invoice = cls._create_invoice(cls.customer, "2026-03-01", 800.0)

    def test_overdue_amount_is_shown_on_ticket(self):
        ticket = self._create_ticket()
        self.assertEqual(ticket.partner_overdue_amount, 800.0)
        self._pay(self.invoice, amount=300.0)
        ticket.invalidate_recordset(["partner_overdue_amount"])
        self.assertEqual(ticket.partner_overdue_amount, 500.0)

    def test_invoice_not_yet_due_is_not_overdue(self):
        neighbour = self.env["res.partner"].create({"name": "Household 8"})
        self._create_invoice(neighbour, "2026-03-25", 400.0)
        ticket = self._create_ticket(partner_id=neighbour.id, tech_visit_requested=True)
        self.assertEqual(ticket.partner_overdue_amount, 0.0)
        ticket.team_id = self.team_operations
        self.assertEqual(ticket.team_id, self.team_operations)

    def test_visit_request_with_overdue_cannot_reach_field_team(self):
        ticket = self._create_ticket(tech_visit_requested=True)
        with self.assertRaisesRegex(ValidationError, "only once the overdue amount is cleared"):
            ticket.team_id = self.team_operations
        with self.assertRaises(ValidationError):
            self._create_ticket(tech_visit_requested=True, team_id=self.team_operations.id)

    def test_ticket_without_visit_request_is_not_gated(self):
        ticket = self._create_ticket()
        ticket.team_id = self.team_operations
        self.assertEqual(ticket.team_id, self.team_operations)

    def test_collections_sends_visit_after_payment(self):
        ticket = self._create_ticket(tech_visit_requested=True)
        self._transfer(ticket)
        with self.assertRaisesRegex(UserError, "still has"):
            ticket.with_user(ticket.user_id).action_send_to_operations()
        self.assertTrue(ticket.is_collection_ticket)

        self._pay(self.invoice)
        ticket.invalidate_recordset(["partner_overdue_amount"])
        ticket.with_user(ticket.user_id).action_send_to_operations()
        self.assertEqual(ticket.team_id, self.team_operations)
        self.assertTrue(any("tech visit handed to" in body for body in self._notes(ticket)))

    def test_send_to_operations_needs_a_visit_request(self):
        ticket = self._create_ticket()
        self._transfer(ticket)
        with self.assertRaisesRegex(UserError, "did not ask for a tech visit"):
            ticket.action_send_to_operations()

    def test_field_team_is_configurable(self):
        depot = self.env["helpdesk.ticket.team"].create({"name": "Logistics Depot"})
        self.company.collection_operations_team_id = depot
        ticket = self._create_ticket(tech_visit_requested=True)
        with self.assertRaises(ValidationError):
            ticket.team_id = depot
        ticket.team_id = self.team_operations  # no longer the field team
        self.assertEqual(ticket.team_id, self.team_operations)
