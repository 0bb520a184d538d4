from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTransferTour(HttpCase):
    def test_support_agent_transfers_ticket_from_form(self):
        support = new_test_user(
            self.env,
            login="coll-tour-support",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Card payment declined",
                "description": "<p>Declined twice.</p>",
                "team_id": self.env.ref("collections_dunning.helpdesk_team_support").id,
                "category_id": self.env.ref(
                    "collections_dunning.helpdesk_category_payment_issue"
                ).id,
            }
        )
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "collections_dunning_transfer",
            login=support.login,
        )
        self.assertEqual(ticket.purifier_id, "PUR-654321")
        self.assertEqual(
            ticket.team_id, self.env.ref("collections_dunning.helpdesk_team_collections")
        )
        self.assertIn("customer wants to pay today", ticket.collection_transfer_reason)
        self.assertTrue(ticket.callback_deadline)
