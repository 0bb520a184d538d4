import io
import shutil
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import CollectionsCommon

DUE = date(2026, 6, 1)


def pdf_text(pdf):
    """The text of every page of ``pdf``, spaces collapsed."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@tagged("post_install", "-at_install")
class TestPdfReports(CollectionsCommon):
    """The case documents render as real PDFs through wkhtmltopdf, as on a live
    server (outside tests Odoo renders nothing without it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0})
        with freeze_time(DUE):
            cls._create_invoice(cls.customer, DUE, 1500.0)
        with freeze_time(
            datetime.combine(DUE + timedelta(days=10), datetime.min.time()) + timedelta(hours=10)
        ):
            cls.env["collection.policy"]._cron_run()
        cls.case = cls.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", cls.customer.id)]
        )

    def _pdf(self, xmlid):
        self.assertTrue(shutil.which("wkhtmltopdf"), "wkhtmltopdf is not installed")
        with self.allow_pdf_render():
            pdf, report_type = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(xmlid, self.case.ids)
            )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:20])
        return pdf_text(pdf)

    def test_notice_of_default_is_a_pdf(self):
        text = self._pdf("collections_dunning.action_report_notice_of_default")
        self.assertIn("Notice of Default", text)
        self.assertIn(self.case.number, text)
        self.assertIn("1,500.00", text)

    def test_statement_is_a_pdf(self):
        text = self._pdf("collections_dunning.action_report_customer_statement")
        self.assertIn("Statement of Overdue Invoices", text)
        self.assertIn(self.case.overdue_invoice_ids.name, text)
        self.assertIn("1,500.00", text)
