from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2026, 2, 1)
NIGHT = "2026-02-10 16:30:00"  # 22:00 in Kolkata
MORNING = "2026-02-10 04:30:00"  # 10:00 in Kolkata


@tagged("post_install", "-at_install")
class TestContactGuard(CollectionsCommon):
    """Every outbound path of a case follows the contact rules of the case's
    company, not only the reminders: links, documents, composer messages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {
                "tz": "Asia/Kolkata",
                "phone": "+91 80 4000 1234",
                "country_id": cls.env.ref("base.in").id,
            }
        )
        with freeze_time(DUE):
            cls._create_invoice(cls.customer, DUE, 900.0)
        with freeze_time("2026-02-05 04:30:00"):
            cls.env["collection.policy"]._cron_run()
        cls.case = cls.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", cls.customer.id)]
        )
        cls.agent = cls.case.user_id

    def _links(self):
        return self.case.message_ids.filtered(
            lambda m: "pay your overdue invoices online" in (m.body or "")
        )

    def test_payment_link_refused_at_22_local_time(self):
        with freeze_time(NIGHT), self.assertRaisesRegex(UserError, "outside contact hours"):
            self.case.with_user(self.agent).action_send_payment_link()
        self.assertFalse(self._links())
        with freeze_time(MORNING):
            self.case.with_user(self.agent).action_send_payment_link()
        self.assertEqual(len(self._links()), 1)

    def test_composer_message_refused_notes_allowed(self):
        with freeze_time(NIGHT):
            with self.assertRaisesRegex(UserError, "This message cannot be sent"):
                self.case.with_user(self.agent).message_post(
                    body="Please pay today",
                    partner_ids=self.customer.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            # a note for the team reaches no customer
            self.case.with_user(self.agent).message_post(
                body="Called twice, no answer", subtype_xmlid="mail.mt_note"
            )
        self.assertFalse(
            self.case.message_ids.filtered(lambda m: "Please pay today" in (m.body or ""))
        )

    def test_opted_out_channel_refuses_documents(self):
        self.customer.collection_no_email = True
        with freeze_time(MORNING), self.assertRaisesRegex(UserError, "opted out of email"):
            self.case.with_user(self.agent).action_send_notice_of_default()

    def test_manager_override_needs_a_reason_and_is_logged(self):
        with freeze_time(NIGHT):
            with self.assertRaises(UserError):
                self.case.with_user(self.agent).with_context(
                    collection_override_reason="Customer asked for it"
                ).action_send_payment_link()
            self.case.with_user(self.manager).with_context(
                collection_override_reason="Customer asked for the link tonight"
            ).action_send_payment_link()
        self.assertEqual(len(self._links()), 1)
        notes = " ".join(self.case.message_ids.mapped("body"))
        self.assertIn("outside the contact rules", notes)
        self.assertIn("Customer asked for the link tonight", notes)
        self.assertIn(self.manager.name, notes)

    def test_support_tickets_are_not_bound(self):
        ticket = self._create_ticket(name="WiFi drops", category_id=self.category_wifi.id)
        with freeze_time(NIGHT):
            ticket.message_post(
                body="Restart the purifier",
                partner_ids=self.customer.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertIn("Restart the purifier", " ".join(ticket.message_ids.mapped("body")))
