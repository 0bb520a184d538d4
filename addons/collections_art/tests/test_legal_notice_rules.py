from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DUE, ArtCommon, at


@tagged("post_install", "-at_install")
class TestLegalNoticeRules(ArtCommon):
    """A legal notice is sent only by _send(), and answered or turned NPA only by
    the run, whatever an officer sends to create() or write()."""

    def _handed_over_case(self):
        self._run(61)
        return self._art_case()

    def test_officer_cannot_create_a_notice_already_sent(self):
        case = self._handed_over_case()
        with freeze_time(at(61, 12)):
            notice = (
                self.env["collection.legal.notice"]
                .with_user(self.officer)
                .create(
                    {
                        "ticket_id": case.id,
                        "state": "sent",
                        "sent_date": at(30),
                        "response_deadline": DUE + timedelta(days=45),
                        "outcome": "Served by hand",
                        "amount_overdue": 99999.0,
                    }
                )
            )
        self.assertEqual(
            (
                notice.state,
                notice.sent_date,
                notice.response_deadline,
                notice.attachment_id,
                notice.outcome,
                notice.amount_overdue,
            ),
            ("draft", False, False, self.env["ir.attachment"], False, 0.0),
        )
        self._run(62)
        self.assertEqual(notice.state, "draft")
        self.assertFalse(self.customer.is_npa)

    def test_notice_moves_only_through_send_and_the_run(self):
        case = self._handed_over_case()
        with freeze_time(at(61, 12)):
            case.with_user(self.officer).action_art_validate()
        with freeze_time(at(62)):
            case.with_user(self.officer).action_art_send_legal_notice()
            self._flush_outboxes()
        notice = case.art_notice_ids.with_user(self.officer)
        self.assertEqual(notice.state, "sent")
        fields_to_check = ["state", "sent_date", "response_deadline", "attachment_id", "outcome"]
        before = notice.read(fields_to_check)[0]
        for vals in (
            {"state": "npa"},
            {"response_deadline": DUE + timedelta(days=30)},
            {"sent_date": at(20)},
            {"attachment_id": False},
            {"outcome": "No answer"},
            {"ticket_id": self._create_ticket().id},
        ):
            with self.assertRaisesRegex(UserError, "cannot be edited"):
                notice.write(vals)
        with freeze_time(at(63)), self.assertRaisesRegex(UserError, "already sent"):
            notice._send()
        notice.invalidate_recordset()
        self.assertEqual(notice.read(fields_to_check)[0], before)
        self.assertEqual(notice.ticket_id, case)
        self._run(62 + 16)
        self.assertEqual(notice.state, "npa")
        self.assertTrue(self.customer.is_npa)

    def test_email_status_is_not_written_by_hand(self):
        """Issue 12: the notice's email and its status are read back from the mail
        queue; nobody sets them (an officer's plain write or create)."""
        case = self._handed_over_case()
        notice = (
            self.env["collection.legal.notice"]
            .with_user(self.officer)
            .create({"ticket_id": case.id, "email_state": "sent", "mail_id": False})
        )
        self.assertFalse(notice.email_state)
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            notice.write({"email_state": "sent"})
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            notice.write({"email_failure_reason": "Delivered by hand"})
        self.assertEqual((notice.state, notice.email_state), ("draft", False))

    def test_draft_notice_state_is_not_written(self):
        case = self._handed_over_case()
        notice = (
            self.env["collection.legal.notice"]
            .with_user(self.officer)
            .create({"ticket_id": case.id})
        )
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            notice.write({"state": "sent", "response_deadline": DUE})
        self.assertEqual((notice.state, notice.response_deadline), ("draft", False))
