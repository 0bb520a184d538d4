import smtplib
from datetime import timedelta
from unittest.mock import patch

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
            self._flush_outboxes()
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


@tagged("post_install", "-at_install")
class TestLegalNoticeEmail(ArtCommon):
    """Issue 12: a legal notice says what became of its email, read back from
    Odoo's mail queue: queued, sent (the response window starts then) or failed
    (the notice is back in draft, to be sent again, and the officer is told why)."""

    def _issue(self, case, n=62):
        with freeze_time(at(n)):
            case.with_user(self.officer).action_art_send_legal_notice()
        return case.art_notice_ids

    def _send_queue(self, n, refuse=None):
        """Odoo's mail queue runs on day ``n`` through a stand-in SMTP server,
        which refuses every recipient with ``refuse`` when given."""
        with freeze_time(at(n, 11)), self.mock_smtplib_connection():
            if refuse:
                error = smtplib.SMTPRecipientsRefused({self.customer.email: (550, refuse)})
                with patch.object(self.testing_smtp_session, "send_message", side_effect=error):
                    self.env["mail.mail"].sudo().process_email_queue()
            else:
                self.env["mail.mail"].sudo().process_email_queue()

    def test_window_starts_when_the_email_leaves(self):
        case = self._validated_case()
        notice = self._issue(case)
        self.assertEqual((notice.state, notice.email_state), ("issued", "queued"))
        self.assertEqual(notice.mail_id.state, "outgoing")
        self.assertFalse(notice.sent_date, "nothing left yet")
        self.assertEqual(notice.response_days_left, 0, "no countdown before the email leaves")
        # the mail queue is stuck past the window the notice states: the customer
        # was told nothing yet, so nothing counts down
        self._run(62 + 16)
        self.assertEqual(notice.state, "issued", "no NPA for a notice that never left")
        self.assertFalse(self.customer.is_npa)
        self._send_queue(79)
        self.assertEqual((notice.state, notice.email_state), ("sent", "sent"))
        self.assertEqual(notice.sent_date, at(79, 11))
        self.assertEqual(notice.response_deadline, DUE + timedelta(days=79 + 15))
        sent = [email for email in self.emails if "Legal notice" in email["message"]]
        self.assertEqual(len(sent), 1, "the email went out, once")
        self.assertIn(self.customer.email, sent[0]["msg_to"])
        self.assertIn(notice.attachment_id.name, sent[0]["message"])
        self.assertIn("response window runs until", self._notes(case)[0])
        self._run(79 + 15)
        self.assertEqual(notice.state, "sent", "its last day still counts")
        self._run(79 + 16)
        self.assertEqual(notice.state, "npa")
        self.assertTrue(self.customer.is_npa)

    def test_failed_email_leaves_the_notice_to_send_again(self):
        case = self._validated_case()
        notice = self._issue(case)
        self._send_queue(62, refuse=b"Mailbox unavailable")
        self.assertEqual(notice.mail_id.state, "exception")
        self.assertEqual((notice.state, notice.email_state), ("draft", "failed"))
        self.assertIn("Mailbox unavailable", notice.email_failure_reason)
        self.assertFalse(notice.sent_date)
        self.assertFalse(notice.response_deadline)
        told = case.activity_ids.filtered(lambda a: a.summary == "Legal notice email failed")
        self.assertEqual(len(told), 1)
        self.assertEqual(told.user_id, self.officer)
        self.assertIn("Mailbox unavailable", self._notes(case)[0])
        self._run(62 + 20)
        self.assertEqual(notice.state, "draft", "a notice that did not leave makes no NPA")
        self.assertFalse(self.customer.is_npa)
        # the officer corrects the address and sends the same notice again
        self.customer.email = "h7-new@example.com"
        self._issue(case, n=83)
        self.assertEqual(case.art_notice_ids, notice, "the same notice, sent again")
        self.assertEqual((notice.state, notice.email_state), ("issued", "queued"))
        self.assertFalse(notice.email_failure_reason)
        self._send_queue(83)
        self.assertEqual((notice.state, notice.email_state), ("sent", "sent"))
        self.assertEqual(notice.response_deadline, DUE + timedelta(days=83 + 15))
