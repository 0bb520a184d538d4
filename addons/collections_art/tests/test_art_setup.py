from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import BaseCommon


@tagged("post_install", "-at_install")
class TestArtSetup(BaseCommon):
    def test_art_team_is_hidden_from_customers(self):
        team = self.env.ref("collections_art.helpdesk_team_art")
        self.assertTrue(team.is_collection_team)
        customer = self.env["res.partner"].create({"name": "Household 9"})
        portal = new_test_user(
            self.env, login="art-portal", groups="base.group_portal", partner_id=customer.id
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Recovery of purifier",
                "description": "<p>Over 60 days past due.</p>",
                "team_id": team.id,
                "partner_id": customer.id,
                "purifier_id": "PUR-000900",
            }
        )
        self.assertEqual(ticket.team_id, team)
        with self.assertRaises(AccessError):
            ticket.with_user(portal).read(["name"])

    def test_art_officer_works_team_tickets_only(self):
        officer = new_test_user(
            self.env, login="art-officer", groups="collections_art.group_art_officer"
        )
        self.assertTrue(officer.has_group("helpdesk_mgmt.group_helpdesk_user_team"))
        self.assertFalse(officer.has_group("helpdesk_mgmt.group_helpdesk_user"))
