import shutil

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.collections_dunning.tests.test_pdf_reports import pdf_text

from .common import ArtCommon, at


@tagged("post_install", "-at_install")
class TestPdfLegalNotice(ArtCommon):
    """The legal notice renders as a real PDF through wkhtmltopdf."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice.purifier_id = "PUR-000321"
        cls.case = cls._hand_over_at_day_61()

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
