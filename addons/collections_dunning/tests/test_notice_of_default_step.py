from odoo.tests import tagged

from .common import LateStageCommon


@tagged("post_install", "-at_install")
class TestNoticeOfDefaultStep(LateStageCommon):
    """Lending flow, step 3 (days 6-9): the notice of default is a reminder step
    of level D3 that issues the PDF by email from the recovery address and by SMS
    with a link to the PDF; its state is read back from the queues."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.collection_recovery_email = "Recovery Desk <recovery@example.com>"
        cls.step = cls.env["collection.reminder.step"].create(
            {"level_id": cls.levels["D3"].id, "channel": "notice_of_default", "day_offset": 0}
        )
        cls._invoice(1000.0)

    def _notice(self, case):
        return case.collection_reminder_ids.filtered(lambda r: r.step_id == self.step)

    def test_notice_issued_by_email_and_sms_from_the_recovery_address(self):
        self.assertFalse(self._notice(self._run_day(5)), "not before the level's day 6")
        case = self._run_day(6)
        notice = self._notice(case)
        self.assertEqual(notice.channel, "notice_of_default")
        # handed to both queues, not sent yet: never marked sent before it went
        self.assertEqual(notice.state, "sending")
        mail = notice.mail_id
        self.assertEqual(mail.email_from, "Recovery Desk <recovery@example.com>")
        self.assertIn(case.number, mail.subject)
        pdf = mail.attachment_ids
        self.assertEqual(len(pdf), 1)
        self.assertIn("Notice of default", pdf.name)
        sms = notice.sms_id
        self.assertEqual(sms.number, "+918040001234")
        self.assertIn(f"/web/content/{pdf.id}?access_token={pdf.access_token}", sms.body)
        self.assertTrue(pdf.access_token)
        self._flush_outboxes()
        self.assertEqual(notice.state, "sent")
        self.assertFalse(notice.reason)
        # once per case and step: the next day issues nothing new
        self._run_day(7)
        self.assertEqual(len(self._notice(case)), 1)

    def test_sent_when_the_sms_went_though_the_email_failed(self):
        notice = self._notice(self._run_day(6))
        notice.mail_id.sudo().write({"state": "exception", "failure_reason": "Mailbox full"})
        self.env["collection.reminder"]._update_from_mails(notice.mail_id)
        self.assertEqual(notice.state, "sending", "the SMS may still go")
        self._flush_outboxes()
        self.assertEqual(notice.state, "sent")
        self.assertIn("email failed", notice.reason)

    def test_failed_only_when_every_channel_failed(self):
        self.customer.phone = False
        notice = self._notice(self._run_day(6))
        self.assertFalse(notice.sms_id, "no number, no SMS: the email alone")
        notice.mail_id.sudo().write({"state": "exception", "failure_reason": "Mailbox full"})
        self.env["collection.reminder"]._update_from_mails(notice.mail_id)
        self.assertEqual(notice.state, "failed")
        self.assertEqual(notice.reason, "Mailbox full")

    def test_customer_without_email_is_skipped_with_the_reason(self):
        self.customer.email = False
        notice = self._notice(self._run_day(6))
        self.assertEqual(notice.state, "skipped")
        self.assertIn("no email address for the notice of default", notice.reason)

    def test_without_recovery_address_the_company_address_sends(self):
        self.company.write({"collection_recovery_email": False, "email": "info@example.com"})
        notice = self._notice(self._run_day(6))
        self.assertEqual(notice.mail_id.email_from, self.company.email_formatted)

    def test_manual_notice_comes_from_the_recovery_address_too(self):
        case = self._run_day(6)
        template = self.env.ref("collections_dunning.mail_template_notice_of_default")
        rendered = template._render_field("email_from", case.ids)[case.id]
        self.assertEqual(rendered, "Recovery Desk <recovery@example.com>")
