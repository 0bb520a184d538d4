from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtUnreachableVisit(ArtCommon):
    """Issue 12: a customer unreachable on every channel gets a field visit; with
    Asset Recovery it is a real visit planned on the customer's Asset Recovery
    case for its officer, never a second one while one is pending."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"street": "7 Test Street", "city": "Pune"})

    def d(self, xmlid):
        return self.env.ref(f"collections_dunning.disposition_{xmlid}")

    def _no_answer(self, case, n):
        """Three unanswered attempts on each channel on day ``n``, logged by the
        case's agent: the customer becomes unreachable."""
        for channel in ("whatsapp", "call", "email"):
            for k in range(3):
                with freeze_time(at(n, 9 + k)):
                    self.env["collection.interaction"].with_user(self.agent_1).create(
                        {
                            "ticket_id": case.id,
                            "channel": channel,
                            "status_id": self.d("not_contacted").id,
                            "reason_id": self.d("not_contacted_no_answer").id,
                            "resolution_id": self.d("not_contacted_no_answer_unreachable").id,
                        }
                    )

    def _contacted(self, case, n):
        with freeze_time(at(n, 12)):
            self.env["collection.interaction"].with_user(self.agent_1).create(
                {
                    "ticket_id": case.id,
                    "status_id": self.d("contacted").id,
                    "reason_id": self.d("contacted_dispute").id,
                    "resolution_id": self.d("contacted_dispute_escalated").id,
                }
            )

    def _field_visit_activities(self, case):
        return case.activity_ids.filtered(lambda a: "Field visit" in (a.summary or ""))

    def test_unreachable_plans_a_real_visit_on_the_recovery_case_once(self):
        art_case = self._validated_case()
        case = art_case.art_source_ticket_id
        self.assertFalse(art_case.art_visit_ids)
        self._no_answer(case, 62)
        self.assertTrue(self.customer.collection_unreachable)
        visit = art_case.art_visit_ids
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.state, "planned")
        self.assertEqual(visit.officer_id, self.officer)
        self.assertEqual(visit.scheduled_date, at(62, 11) + timedelta(hours=24))
        self.assertIn("7 Test Street", visit.address)
        self.assertEqual(art_case.stage_id, self.env.ref("collections_art.stage_visit_scheduled"))
        self.assertFalse(self._field_visit_activities(case), "a real visit, not a to-do")
        self.assertIn(art_case.number, self._notes(case)[0])
        # runs, or reachable then unreachable again: no second visit while one is pending
        self._run(63)
        self._contacted(case, 64)
        self.assertFalse(self.customer.collection_unreachable)
        self._no_answer(case, 85)  # the contact of day 64 left the window
        self.assertTrue(self.customer.collection_unreachable)
        self.assertEqual(art_case.art_visit_ids, visit, "never twice while one is pending")
        # the visit done, the next unreachable spell plans a new one
        with freeze_time(at(86, 9)):
            visit.with_user(self.officer).write({"outcome": "other"})
            visit.with_user(self.officer).action_done()
        self._contacted(case, 87)
        self._no_answer(case, 108)
        planned = art_case.art_visit_ids.filtered(lambda v: v.state == "planned")
        self.assertEqual(len(planned), 1)
        self.assertNotEqual(planned, visit)

    def test_without_a_validated_recovery_case_the_agent_gets_the_visit_to_do(self):
        self._run(61)
        art_case = self._art_case()
        self.assertFalse(art_case.art_validated_date)
        case = art_case.art_source_ticket_id
        self._no_answer(case, 62)
        self.assertTrue(self.customer.collection_unreachable)
        self.assertFalse(art_case.art_visit_ids, "an unvalidated case is validated first")
        self.assertEqual(len(self._field_visit_activities(case)), 1)
