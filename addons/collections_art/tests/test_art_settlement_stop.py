from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtSettlementStop(ArtCommon):
    """Issue 12: while a settlement is proposed or approved, Asset Recovery stops
    too: no hand-over, no Slack post, no legal notice, no NPA."""

    def d(self, xmlid):
        return self.env.ref(f"collections_dunning.disposition_{xmlid}")

    def _collection_case(self):
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _propose(self, n):
        case = self._collection_case()
        with freeze_time(at(n)):
            self.env["collection.interaction"].with_user(case.user_id).create(
                {
                    "ticket_id": case.id,
                    "status_id": self.d("contacted").id,
                    "reason_id": self.d("contacted_distress").id,
                    "resolution_id": self.d("contacted_distress_settlement").id,
                }
            )
        return case.settlement_ids

    def test_settlement_stops_the_hand_over(self):
        self._run(30)
        settlement = self._propose(31)
        self.assertEqual(settlement.state, "to_approve")
        self._run(61)
        self._run(62)
        self.assertFalse(self._art_case(), "no Asset Recovery case while settling")
        self.assertEqual(self._collection_case().collection_level_id.code, "L2")
        settlement.with_user(self.manager).action_reject()
        self._run(63)
        self.assertTrue(self._art_case())

    def test_settlement_holds_legal_notices_npa_and_slack(self):
        self.company.art_urgent_amount = 1000.0
        case = self._validated_case()
        notice = self._send_notice(case)
        settlement = self._propose(63)
        Slack = self.env["collection.slack.message"]
        with freeze_time(at(63)):
            self.assertFalse(Slack._enqueue(case), "no Slack post")
            with self.assertRefused(UserError, "in a settlement"):
                case.with_user(self.officer).action_art_send_legal_notice()
        self._run(62 + 16)
        self.assertEqual(notice.state, "sent", "no NPA while settling")
        self.assertFalse(self.customer.is_npa)
        settlement.with_user(self.manager).action_reject()
        self._run(62 + 17)
        self.assertEqual(notice.state, "answered", "rejected: the contact logged answers it")
        self.assertTrue(Slack._enqueue(case))
