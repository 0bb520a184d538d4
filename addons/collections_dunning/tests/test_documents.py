from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2026, 6, 1)


@tagged("post_install", "-at_install")
class TestDocuments(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # these tests are not about contact hours: they run at any hour of the clock
        cls.company.write({"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0})
        with freeze_time(DUE):
            cls._create_invoice(cls.customer, DUE, 1500.0)
            cls._create_invoice(cls.customer, DUE + timedelta(days=3), 250.0)
        with freeze_time(
            datetime.combine(DUE + timedelta(days=10), datetime.min.time()) + timedelta(hours=10)
        ):
            cls.env["collection.policy"]._cron_run()
        cls.case = cls.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", cls.customer.id)]
        )

    def _html(self, xmlid):
        with freeze_time(datetime.combine(DUE + timedelta(days=10), datetime.min.time())):
            html, _type = self.env["ir.actions.report"]._render_qweb_html(xmlid, self.case.ids)
        return html.decode()

    def test_notice_of_default_lists_amounts_and_consequences(self):
        html = self._html("collections_dunning.action_report_notice_of_default")
        self.assertIn("Notice of Default", html)
        self.assertIn("1,750.00", html)  # total overdue
        self.assertIn("credit bureau", html)
        self.assertIn(self.case.number, html)

    def test_statement_lists_each_overdue_invoice(self):
        html = self._html("collections_dunning.action_report_customer_statement")
        for invoice in self.case.overdue_invoice_ids:
            self.assertIn(invoice.name, html)
        self.assertIn("1,500.00", html)
        self.assertIn("250.00", html)

    def test_document_is_sent_from_the_case(self):
        action = self.case.with_user(self.agent_1).action_send_notice_of_default()
        template = self.env.ref("collections_dunning.mail_template_notice_of_default")
        self.assertEqual(action["context"]["default_template_id"], template.id)
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.agent_1)
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()
        message = self.case.message_ids.filtered(lambda m: "Notice of default" in (m.subject or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn("Notice of default", message.attachment_ids.name)
        self.assertIn(self.customer, message.partner_ids)

    def test_payment_links_for_each_overdue_invoice(self):
        self.case.with_user(self.agent_1).action_send_payment_link()
        message = self.case.message_ids.filtered(
            lambda m: "pay your overdue invoices online" in m.body
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.customer, message.partner_ids)
        for invoice in self.case.overdue_invoice_ids:
            self.assertIn(invoice.name, message.body)
            self.assertIn(f"/my/invoices/{invoice.id}", message.body)
        self.assertIn("access_token", message.body)

    def test_pause_fee_link_uses_configured_amount(self):
        self.company.collection_pause_fee = 250.0
        self.case.write({"out_of_station": True, "out_of_station_reason": "Travelling"})
        self.case.with_user(self.agent_1).action_send_pause_link()
        fee = self.env["account.move"].search(
            [("invoice_origin", "=", self.case.number), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual((fee.state, fee.amount_total), ("posted", 250.0))
        message = self.case.message_ids.filtered(lambda m: "service pause fee" in m.body)
        self.assertIn(f"/my/invoices/{fee.id}", message.body)
