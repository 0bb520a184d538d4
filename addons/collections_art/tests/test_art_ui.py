from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestArtMobileTour(HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_officer_records_visit_on_phone(self):
        officer = new_test_user(
            self.env, login="art-tour-officer", groups="collections_art.group_art_officer"
        )
        team = self.env.ref("collections_art.helpdesk_team_art")
        team.user_ids = [Command.link(officer.id)]
        customer = self.env["res.partner"].create(
            {"name": "Household 21", "street": "21 Lake Road", "city": "Bengaluru"}
        )
        case = self.env["helpdesk.ticket"].create(
            {
                "name": "Asset recovery: Household 21",
                "description": "<p>61 days past due</p>",
                "team_id": team.id,
                "partner_id": customer.id,
                "purifier_id": "PUR-000021",
                "user_id": officer.id,
            }
        )
        visit = self.env["collection.art.visit"].create(
            {"ticket_id": case.id, "officer_id": officer.id}
        )
        self.start_tour(
            f"/odoo/action-collections_art.action_art_visits/{visit.id}",
            "collections_art_visit_mobile",
            login=officer.login,
        )
        self.assertTrue(visit.checkin_date)
        self.assertIn(visit.geo_status, ("captured", "denied", "unavailable"))
        self.assertEqual(visit.outcome, "not_available")
        self.assertEqual(visit.state, "done")
        self.assertIn("away until Sunday", visit.neighbours_info)
        self.assertEqual(visit.follow_up_visit_id.state, "planned")
