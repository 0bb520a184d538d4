from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtVisits(ArtCommon):
    """Field visits: their 24-48 h window, outcomes and access."""

    def test_visit_within_48_hours(self):
        case = self._validated_case()
        with freeze_time(at(62, 9)):
            visit = (
                self.env["collection.art.visit"]
                .with_user(self.officer)
                .create({"ticket_id": case.id})
            )
            self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_visit_scheduled"))
            visit.action_check_in(latitude=12.97, longitude=77.59, geo_status="captured")
        self.assertEqual(case.art_visit_sla_state, "on_time")
        self.assertAlmostEqual(visit.latitude, 12.97)

    def test_visit_after_48_hours_is_late(self):
        case = self._validated_case()
        with freeze_time(at(64, 9)):
            case.invalidate_recordset(["art_visit_sla_state"])
            self.assertEqual(case.art_visit_sla_state, "late")
            visit = (
                self.env["collection.art.visit"]
                .with_user(self.officer)
                .create({"ticket_id": case.id})
            )
            visit.action_check_in(geo_status="denied")
        self.assertEqual(visit.geo_status, "denied")
        self.assertFalse(visit.latitude)
        self.assertEqual(case.art_visit_sla_state, "late")

    def test_not_available_schedules_follow_up(self):
        case = self._validated_case()
        with freeze_time(at(62, 9)):
            visit = self._visit(case, "not_available", neighbours_info="Away until Sunday")
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.follow_up_visit_id.state, "planned")
        self.assertEqual(visit.follow_up_visit_id.scheduled_date, at(63, 9))
        self.assertTrue(any("Away until Sunday" in b for b in case.message_ids.mapped("body")))

    def test_vacated_premises_open_investigation(self):
        case = self._validated_case()
        self._visit(case, "vacated", neighbours_info="Moved out last month")
        investigation = case.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("collections_art.mail_activity_type_investigation")
            )
        )
        self.assertEqual(len(investigation), 1)

    def test_recovered_asset_must_match_the_case(self):
        case = self._validated_case()
        with self.assertRaisesRegex(ValidationError, "is not the customer's purifier PUR-000123"):
            self._visit(case, "recovered", recovered_purifier_id="PUR-999999")
        self._visit(case, "recovered", recovered_purifier_id="PUR-000123")
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_recovered"))
        self.assertTrue(case.art_asset_returned_date)

    def test_access_to_visits(self):
        case = self._validated_case()
        mine = (
            self.env["collection.art.visit"].with_user(self.officer).create({"ticket_id": case.id})
        )
        other = self.env["collection.art.visit"].create(
            {"ticket_id": case.id, "officer_id": self.officer_2.id}
        )
        Visit = self.env["collection.art.visit"]
        self.assertEqual(Visit.with_user(self.officer).search([]), mine)
        self.assertEqual(Visit.with_user(self.art_manager).search([]), mine | other)
        with self.assertRaises(AccessError):
            Visit.with_user(self.agent_1).search([])
        with self.assertRaises(AccessError):
            Visit.with_user(self.portal_user).search([])
        # the agent sees the hand-over on the collection case, not the ART case
        source = case.art_source_ticket_id.with_user(self.agent_1)
        self.assertTrue(any("Handed over" in b for b in source.message_ids.mapped("body")))
        with self.assertRaises(AccessError):
            case.with_user(self.agent_1).read(["name"])
        self.assertEqual(
            self.env["helpdesk.ticket"].with_user(self.officer).search([("id", "=", case.id)]), case
        )
