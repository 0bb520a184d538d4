from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

FIRST = datetime(2026, 3, 2, 10, 0)


@tagged("post_install", "-at_install")
class TestServicePause(CollectionsCommon):
    """Purifier SOP: Support sends the service pause fee link only to a customer
    out of station, with the reason on the ticket; a second request within the
    company's window goes to Collections instead of getting a link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"collection_pause_fee": 250.0, "collection_pause_repeat_days": 90})
        cls.category_pause = cls.env.ref("collections_dunning.helpdesk_category_service_pause")
        cls.support = cls.support_team_user
        cls.internal_user = new_test_user(cls.env, login="coll-internal", groups="base.group_user")

    def _pause_ticket(self, **values):
        return self._create_ticket(
            name="Going to my village, pause the purifier",
            category_id=self.category_pause.id,
            **values,
        )

    def _out_of_station(self, ticket, reason="At my parents' village until the 30th"):
        ticket.with_user(self.support).write(
            {"out_of_station": True, "out_of_station_reason": reason}
        )

    def _fee_invoices(self, ticket=None):
        domain = [("partner_id", "=", self.customer.id), ("move_type", "=", "out_invoice")]
        if ticket:
            domain.append(("invoice_origin", "=", ticket.number))
        return self.env["account.move"].search(domain)

    def test_refused_without_out_of_station_and_reason(self):
        ticket = self._pause_ticket()
        with freeze_time(FIRST):
            with self.assertRefused(UserError, "only for a customer who is out of station"):
                ticket.with_user(self.support).action_send_pause_link()
            ticket.with_user(self.support).out_of_station = True
            with self.assertRefused(UserError, "Record why the customer is out of station"):
                ticket.with_user(self.support).action_send_pause_link()
            ticket.with_user(self.support).out_of_station_reason = "   "
            with self.assertRefused(UserError, "Record why the customer is out of station"):
                ticket.with_user(self.support).action_send_pause_link()
        self.assertFalse(self._fee_invoices())
        self.assertFalse(ticket.pause_link_date)

    def test_first_request_gets_the_link(self):
        ticket = self._pause_ticket()
        self._out_of_station(ticket)
        with freeze_time(FIRST):
            result = ticket.with_user(self.support).action_send_pause_link()
        self.assertEqual(result["params"]["type"], "success")
        fee = self._fee_invoices(ticket)
        self.assertEqual((fee.state, fee.amount_total), ("posted", 250.0))
        link = ticket.message_ids.filtered(lambda m: "service pause fee" in (m.body or ""))
        self.assertIn(self.customer, link.partner_ids)
        self.assertIn(f"/my/invoices/{fee.id}", link.body)
        self.assertTrue(
            any("parents' village" in body for body in self._notes(ticket)),
            "the reason is logged on the ticket",
        )
        self.assertEqual(ticket.pause_link_date, FIRST)
        self.assertEqual(ticket.team_id, self.team_support, "a first request stays with Support")

    def test_second_request_within_the_window_goes_to_collections(self):
        first = self._pause_ticket()
        self._out_of_station(first)
        with freeze_time(FIRST):
            first.with_user(self.support).action_send_pause_link()
        second = self._pause_ticket()
        self._out_of_station(second, "Away again for a wedding")
        with freeze_time(FIRST + timedelta(days=40)):
            result = second.with_user(self.support).action_send_pause_link()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("second pause request", result["params"]["message"])
        self.assertFalse(self._fee_invoices(second), "no second link")
        self.assertEqual(second.team_id, self.team_collections)
        self.assertIn("second pause request", second.collection_transfer_reason.lower())
        self.assertIn(first.number, second.collection_transfer_reason)
        self.assertEqual(second.collection_transferred_by_id, self.support)
        self.assertTrue(second.callback_deadline, "Collections owes the customer a callback")
        self.assertFalse(second.pause_link_date)

    def test_second_request_on_the_same_ticket_goes_to_collections(self):
        ticket = self._pause_ticket()
        self._out_of_station(ticket)
        with freeze_time(FIRST):
            ticket.with_user(self.support).action_send_pause_link()
        with freeze_time(FIRST + timedelta(days=2)):
            ticket.with_user(self.support).action_send_pause_link()
        self.assertEqual(len(self._fee_invoices(ticket)), 1)
        self.assertEqual(ticket.team_id, self.team_collections)

    def test_a_request_after_the_window_gets_a_link_again(self):
        self.company.collection_pause_repeat_days = 30
        first = self._pause_ticket()
        self._out_of_station(first)
        with freeze_time(FIRST):
            first.with_user(self.support).action_send_pause_link()
        second = self._pause_ticket()
        self._out_of_station(second)
        with freeze_time(FIRST + timedelta(days=31)):
            second.with_user(self.support).action_send_pause_link()
        self.assertEqual(len(self._fee_invoices(second)), 1)
        self.assertEqual(second.team_id, self.team_support)

    def test_window_is_bounded(self):
        with self.assertRefused(ValidationError, "between 1 and 365"):
            self.company.collection_pause_repeat_days = 0
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.collection_pause_repeat_days, 90)

    def test_only_the_ticket_team_or_collections_may_send(self):
        ticket = self._pause_ticket()
        self._out_of_station(ticket)
        for user in (self.support_user, self.internal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                ticket.with_user(user).action_send_pause_link()
        self.assertFalse(self._fee_invoices())

    def test_link_date_is_not_set_by_hand(self):
        ticket = self._pause_ticket()
        with self.assertRefused(AccessError, "Pause Link Sent On"):
            ticket.with_user(self.support).write({"pause_link_date": FIRST})

    def test_button_on_the_support_side_of_the_form(self):
        arch = self.env["helpdesk.ticket"].with_user(self.support).get_views([(False, "form")])
        form = arch["views"]["form"]["arch"]
        self.assertIn('name="action_send_pause_link"', form)
        self.assertIn('name="out_of_station"', form)
        self.assertIn('name="action_record_claim"', form)
