from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import DUE, ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtLegalNotice(ArtCommon):
    """Legal notices, their response window and NPA."""

    def test_legal_notice_unanswered_makes_npa(self):
        case = self._validated_case()
        notice = self._send_notice(case)
        self.assertEqual(notice.state, "sent")
        self.assertEqual(notice.response_deadline, DUE + timedelta(days=62 + 15))
        self.assertEqual(notice.attachment_id.mimetype, "application/pdf")
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_legal"))
        mail = self.env["mail.mail"].search(
            [("model", "=", "collection.legal.notice"), ("res_id", "=", notice.id)]
        )
        self.assertEqual(mail.attachment_ids, notice.attachment_id)
        self._run(62 + 15)
        self.assertEqual(notice.state, "sent", "the last day still counts")
        self.assertFalse(self.customer.is_npa)
        self._run(62 + 16)
        self.assertEqual(notice.state, "npa")
        self.assertTrue(self.customer.is_npa)
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_npa"))

    def test_manager_outside_the_teams_sends_the_legal_notice(self):
        """The notice cites the customer's invoices: a manager in no team reads them
        through the managers' rule, without any accounting group."""
        manager = new_test_user(
            self.env,
            login="coll-art-manager-no-team",
            groups="collections_dunning.group_collection_manager,collections_art.group_art_manager",
        )
        self.assertFalse(manager.helpdesk_team_ids)
        self.assertFalse(manager.has_group("account.group_account_readonly"))
        case = self._validated_case()
        with freeze_time(at(62)):
            case.with_user(manager).action_art_send_legal_notice()
        notice = self.env["collection.legal.notice"].search([("ticket_id", "=", case.id)])
        self.assertEqual(notice.state, "sent")
        self.assertEqual(notice.attachment_id.mimetype, "application/pdf")

    def test_legal_notice_counts_down_its_window(self):
        case = self._validated_case()
        notice = self._send_notice(case).with_user(self.officer)
        for day, left in ((62, 15), (70, 7), (62 + 15, 0)):
            with freeze_time(at(day)):
                notice.invalidate_recordset(["response_days_left"])
                self.assertEqual(notice.response_days_left, left)
        self._run(62 + 16)
        self.assertEqual(notice.state, "npa")
        self.assertEqual(notice.response_days_left, 0, "no countdown once the window is over")

    def test_payment_before_deadline_stops_npa(self):
        case = self._validated_case()
        notice = self._send_notice(case)
        with freeze_time(at(66)):
            self._pay(self.invoice, amount=100.0, date=DUE + timedelta(days=66))
        self._run(66)
        self.assertEqual(notice.state, "answered")
        self._run(62 + 20)
        self.assertFalse(self.customer.is_npa)

    def test_contact_before_deadline_stops_npa(self):
        case = self._validated_case()
        notice = self._send_notice(case)
        collection_case = case.art_source_ticket_id
        with freeze_time(at(64)):
            self.env["collection.interaction"].create(
                {
                    "ticket_id": collection_case.id,
                    "status_id": self.env.ref("collections_dunning.disposition_contacted").id,
                    "reason_id": self.env.ref(
                        "collections_dunning.disposition_contacted_dispute"
                    ).id,
                    "resolution_id": self.env.ref(
                        "collections_dunning.disposition_contacted_dispute_escalated"
                    ).id,
                }
            )
        self._run(62 + 20)
        self.assertEqual(notice.state, "answered")
        self.assertFalse(self.customer.is_npa)
