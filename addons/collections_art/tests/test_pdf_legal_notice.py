import shutil
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.collections_dunning.tests.common import CollectionsCommon
from odoo.addons.collections_dunning.tests.test_pdf_reports import pdf_text

DUE = date(2026, 1, 1)


def at(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestPdfLegalNotice(CollectionsCommon):
    """The legal notice renders as a real PDF through wkhtmltopdf."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = new_test_user(
            cls.env, login="art-officer-pdf", groups="collections_art.group_art_officer"
        )
        cls.env.ref("collections_art.helpdesk_team_art").user_ids = [Command.set(cls.officer.ids)]
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time(DUE):
            invoice = cls._create_invoice(cls.customer, DUE, 2400.0)
            invoice.purifier_id = "PUR-000321"
        with freeze_time(at(61)):
            cls.env["collection.policy"]._cron_run()
        cls.case = cls.env["helpdesk.ticket"].search(
            [("is_art_case", "=", True), ("partner_id", "=", cls.customer.id)]
        )

    def test_legal_notice_is_a_pdf(self):
        with freeze_time(at(61, 12)):
            self.case.with_user(self.officer).action_art_validate()
            self.case.with_user(self.officer).action_art_send_legal_notice()
        notice = self.env["collection.legal.notice"].search([("ticket_id", "=", self.case.id)])
        self.assertEqual(notice.state, "issued", "its email queued")
        self.assertTrue(shutil.which("wkhtmltopdf"), "wkhtmltopdf is not installed")
        with self.allow_pdf_render():
            pdf, report_type = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("collections_art.action_report_legal_notice", notice.ids)
            )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:20])
        text = pdf_text(pdf)
        self.assertIn("Legal Notice", text)
        self.assertIn(self.case.number, text)
        self.assertIn("PUR-000321", text)
        self.assertIn("2,400.00", text)
        self.assertIn("non-performing asset", text)
