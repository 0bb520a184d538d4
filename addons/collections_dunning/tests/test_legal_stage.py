from odoo.tests import tagged

from .common import LateStageCommon


@tagged("post_install", "-at_install")
class TestLegalStage(LateStageCommon):
    """Lending flow, step 4: over 90 days past due the case is handed over to the
    Legal team (level D5), which works it from then on; the customer is reported
    90+ delinquent and, with Asset Recovery installed, a legal notice is prepared
    in draft for review."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_legal = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Legal",
                "is_collection_team": True,
                "is_legal_team": True,
                "user_ids": [(6, 0, [cls.agent_2.id])],
            }
        )
        cls.levels["D5"].write(
            {"hand_over_team_id": cls.team_legal.id, "team_id": False, "stage_id": False}
        )
        cls._invoice(1000.0)

    def _notices(self, case):
        if "collection.legal.notice" not in self.env:
            return None
        return self.env["collection.legal.notice"].search([("ticket_id", "=", case.id)])

    def test_case_moves_to_legal_on_day_90_with_a_draft_notice(self):
        case = self._run_day(89)
        self.assertEqual(case.team_id, self.team_collections)
        self.assertEqual(self.customer.collection_bureau_status, "overdue_90")
        case = self._run_day(90)
        self.assertEqual(case.collection_level_id, self.levels["D5"])
        self.assertEqual(case.team_id, self.team_legal)
        self.assertEqual(case.user_id, self.agent_2)
        self.assertTrue(case.is_collection_ticket, "Legal still works the case")
        self.assertEqual(self.customer.collection_bureau_status, "delinquent")
        notices = self._notices(case)
        if notices is not None:
            self.assertEqual(len(notices), 1)
            self.assertEqual(notices.state, "draft", "prepared for review, not sent")
        self._run_day(91)
        self.assertEqual(case.team_id, self.team_legal)
        if notices is not None:
            self.assertEqual(self._notices(case), notices, "prepared once")

    def test_hand_over_to_a_team_outside_collections_keeps_the_case(self):
        outside = self.env["helpdesk.ticket.team"].create({"name": "Lawyers outside"})
        self.levels["D5"].hand_over_team_id = outside
        case = self._run_day(90)
        self.assertEqual(case.team_id, self.team_collections)
        self.assertEqual(case.collection_escalation_date.isoformat(), "2026-04-01")

    def test_routing_rules_leave_a_legal_stage_case_alone(self):
        """Issue 12: an ownership rule that matches a case routes it until its
        hand-over; once Legal has it, the rule never takes it back."""
        billing = self.env["helpdesk.ticket.team"].create(
            {"name": "Billing", "is_collection_team": True, "user_ids": [(6, 0, [self.agent_1.id])]}
        )
        self.env["collection.routing.rule"].create(
            {"name": "Billing owns every overdue account", "dpd_from": 1, "team_id": billing.id}
        )
        case = self._run_day(89)
        self.assertEqual(case.team_id, billing, "the rule routes the case before the legal stage")
        case = self._run_day(90)
        self.assertEqual(case.team_id, self.team_legal, "handed over to Legal, not routed back")
        self.assertEqual(case.user_id, self.agent_2)
        case = self._run_day(91)
        self.assertEqual(case.team_id, self.team_legal)
        routed = [body for body in case.message_ids.mapped("body") if "by the rule" in body]
        self.assertEqual(len(routed), 1, "routed once, on day 89; never after the hand-over")

    def test_routing_rules_leave_a_handed_over_case_in_its_team(self):
        """A case handed over to a team outside Collections (its escalation date
        set) stays in its team too, whatever rule matches later."""
        outside = self.env["helpdesk.ticket.team"].create({"name": "Lawyers outside"})
        self.levels["D5"].hand_over_team_id = outside
        case = self._run_day(90)
        self.assertTrue(case.collection_escalation_date)
        billing = self.env["helpdesk.ticket.team"].create(
            {"name": "Billing", "is_collection_team": True}
        )
        self.env["collection.routing.rule"].create(
            {"name": "Billing from day 91", "dpd_from": 91, "team_id": billing.id}
        )
        case = self._run_day(91)
        self.assertEqual(case.team_id, self.team_collections)
