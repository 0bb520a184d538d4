from odoo.tests import HttpCase, new_test_user, tagged


class SupportDayMixin:
    """A support agent hands a payment matter over to Collections, and sees a
    technical one refused, in the browser."""

    def _support_ticket(self, category_xmlid, name):
        self.support = new_test_user(
            self.env,
            login="coll-tour-support",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        return self.env["helpdesk.ticket"].create(
            {
                "name": name,
                "description": "<p>Reported on the phone.</p>",
                "team_id": self.env.ref("collections_dunning.helpdesk_team_support").id,
                "category_id": self.env.ref(category_xmlid).id,
            }
        )

    def test_support_agent_transfers_ticket_from_form(self):
        ticket = self._support_ticket(
            "collections_dunning.helpdesk_category_payment_issue", "Card payment declined"
        )
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "collections_dunning_transfer",
            login=self.support.login,
        )
        self.assertEqual(ticket.purifier_id, "PUR-654321")
        self.assertEqual(
            ticket.team_id, self.env.ref("collections_dunning.helpdesk_team_collections")
        )
        self.assertIn("customer wants to pay today", ticket.collection_transfer_reason)
        self.assertTrue(ticket.callback_deadline)

    def test_support_agent_sees_technical_ticket_refused(self):
        ticket = self._support_ticket(
            "collections_dunning.helpdesk_category_wifi_problem", "Purifier loses Wi-Fi"
        )
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "collections_dunning_transfer_refused",
            login=self.support.login,
        )
        self.assertEqual(ticket.team_id, self.env.ref("collections_dunning.helpdesk_team_support"))
        self.assertFalse(ticket.collection_transfer_date)
        self.assertFalse(ticket.callback_deadline)


@tagged("post_install", "-at_install")
class TestTransferTour(SupportDayMixin, HttpCase):
    pass


@tagged("post_install", "-at_install")
class TestTransferTourPhone(SupportDayMixin, HttpCase):
    browser_size = "375x667"
    touch_enabled = True
