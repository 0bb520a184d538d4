import re
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_amount

from odoo.addons.collections_dunning.tests.common import migration
from odoo.addons.collections_dunning.tests.stub_gateway import StubGateway

from .common import ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtNotification(ArtCommon):
    """The recovery notification by email and WhatsApp, and the contact rules."""

    def test_validation_and_notification_within_24_hours(self):
        case = self._validated_case()
        self.assertEqual(case.art_validated_by_id, self.officer)
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_validated"))
        # nothing has left Odoo yet: the SLA is not met by a queued email
        self.assertFalse(case.art_notified_date)
        with freeze_time(at(61, 12)):
            case.invalidate_recordset(["art_validation_sla_state"])
            self.assertEqual(case.art_validation_sla_state, "pending")
        mail = case.art_notification_mail_id
        self.assertIn("Recovery of your purifier PUR-000123", mail.subject)
        amount = format_amount(self.env, case.sudo().amount_overdue, case.company_currency_id)
        self.assertRegex(mail.body_html, rf"days past due with\s+{re.escape(amount)} unpaid")
        # no WhatsApp gateway as shipped: the officer has it to send by hand
        todo = case.art_notification_activity_id
        self.assertEqual(todo.user_id, self.officer)
        self.assertIn("+918040001234", todo.summary)
        with freeze_time(at(61, 13)):
            self._flush_outboxes()
        self.assertEqual(case.art_notified_date, at(61, 13))
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_notice_sent"))
        self.assertEqual(case.art_validation_sla_state, "on_time")
        self.assertEqual(case.art_visit_deadline, at(61, 12) + timedelta(hours=48))
        with freeze_time(at(61, 14)):
            todo.with_user(self.officer).action_feedback("Sent from the field phone")
        self.assertEqual(case.art_notified_date, at(61, 13), "the first channel out counts")

    def test_notification_templates_evaluate_no_python(self):
        """Plain placeholders: Odoo renders them without compiling the template
        for each customer, and users outside the template editors may edit them."""
        for xmlid in ("mail_template_recovery_notification", "sms_template_recovery_notification"):
            template = self.env.ref(f"collections_art.{xmlid}")
            self.assertFalse(template._has_unsafe_expression(), xmlid)

    def test_notification_templates_upgrade_to_plain_placeholders(self):
        """A database from before 19.0.1.2.0 keeps its notification templates (not
        updated by an upgrade): the migration rewrites their amount's Python call
        into the plain placeholder and leaves the rest of their wording alone."""
        sms = self.env.ref("collections_art.sms_template_recovery_notification")
        sms.body = "Pay {{ format_amount(object.amount_overdue, object.company_currency_id) }} now."
        self.env.flush_all()
        migration("19.0.1.2.0", "post-migration", "collections_art")(self.env.cr, "19.0.1.1.0")
        sms.invalidate_recordset()
        self.assertEqual(sms.body, "Pay {{ object.collection_amount_overdue_text }} now.")
        self.assertFalse(sms._has_unsafe_expression())

    def test_notification_sent_by_hand_notifies(self):
        case = self._validated_case()
        with freeze_time(at(61, 15)):
            case.art_notification_activity_id.with_user(self.officer).action_feedback("Sent")
        self.assertEqual(case.art_notified_date, at(61, 15))

    def test_failed_whatsapp_does_not_notify(self):
        with StubGateway([400]) as gateway:
            self.env.ref("collections_dunning.channel_provider_whatsapp").write(
                {"provider_type": "http_json", "url": gateway.url}
            )
            case = self._validated_case()
        self.assertFalse(case.art_notified_date)
        self.assertTrue(
            any(
                "WhatsApp recovery notification not sent" in b
                for b in case.message_ids.mapped("body")
            )
        )
        mail = case.art_notification_mail_id
        mail.write({"state": "exception", "failure_reason": "Mailbox unavailable"})
        mail._postprocess_sent_message(success_pids=[], success_emails=[], failure_type="unknown")
        self.assertFalse(case.art_notified_date, "a failed email notifies nobody either")

    def test_notification_and_notice_refused_at_night(self):
        self._run(61)
        case = self._art_case()
        with freeze_time(at(61, 22)):  # the company's time zone: UTC here
            with self.assertRaisesRegex(UserError, "outside contact hours"):
                case.with_user(self.officer).action_art_validate()
        self.assertFalse(case.art_validated_date)
        case = self._validated_case()
        with freeze_time(at(61, 22)):
            with self.assertRaisesRegex(UserError, "The legal notice cannot be sent"):
                case.with_user(self.officer).action_art_send_legal_notice()
        self.assertFalse(case.art_notice_ids.filtered(lambda n: n.state == "sent"))

    def test_opted_out_whatsapp_is_not_sent(self):
        self.customer.collection_no_whatsapp = True
        with StubGateway() as gateway:
            self.env.ref("collections_dunning.channel_provider_whatsapp").write(
                {"provider_type": "http_json", "url": gateway.url}
            )
            case = self._validated_case()
        self.assertEqual(gateway.requests, [])
        self.assertTrue(any("opted out of whatsapp" in b for b in case.message_ids.mapped("body")))
