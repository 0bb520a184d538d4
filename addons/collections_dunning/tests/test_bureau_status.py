import base64
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import LateStageCommon


@tagged("post_install", "-at_install")
class TestBureauStatus(LateStageCommon):
    """The customer's credit bureau status follows the days past due, day by day
    in the run; the monthly export reports it, leaves unreportable customers out,
    and is prepared in draft by its cron, never sent by it."""

    def test_status_follows_the_days_past_due(self):
        invoice = self._invoice(1000.0)
        self.assertEqual(self.customer.collection_bureau_status, "current")
        for n, status in ((10, "overdue_30"), (40, "overdue_60"), (70, "overdue_90")):
            self._run_day(n)
            self.assertEqual(self.customer.collection_bureau_status, status, f"day {n}")
        self._run_day(90)
        self.assertEqual(self.customer.collection_bureau_status, "delinquent")
        self.assertEqual(self.customer.collection_bureau_status_date, date(2026, 4, 1))
        with freeze_time("2026-04-02"):
            self._pay(invoice)
        self._run_day(92)
        self.assertEqual(self.customer.collection_bureau_status, "current")

    def test_delinquent_threshold_is_a_bounded_company_setting(self):
        self.company.collection_delinquent_days = 60
        self._invoice()
        self._run_day(60)
        self.assertEqual(self.customer.collection_bureau_status, "delinquent")
        with self.assertRefused(ValidationError, "between 1 and 365"):
            self.company.collection_delinquent_days = 0

    def test_status_and_flags_are_not_written_by_hand(self):
        """A form or an RPC client cannot tell the bureau "settled" or raise a
        flag: only the run and the case's decisions set them."""
        self._invoice()
        self._run_day(40)
        before = self.customer.read(
            ["collection_bureau_status", "collection_unreachable", "collection_uncooperative"]
        )[0]
        for user in (self.manager, self.agent_1):
            for vals in (
                {"collection_bureau_status": "settled"},
                {"collection_bureau_status_date": "2026-01-01"},
                {"collection_unreachable": True},
                {"collection_uncooperative": True},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRefused(UserError, "cannot be edited"):
                        self.customer.with_user(user).write(vals)
        with self.assertRefused(UserError, "kept by the daily run"):
            self.env["res.partner"].with_user(self.manager).create(
                {"name": "Household 99", "collection_bureau_status": "settled"}
            )
        self.assertEqual(self.customer.read(list(before))[0], before)
        # the owner's path still writes it: a decision on the case
        self.customer.with_user(self.manager)._collection_set_bureau_status("settled")
        self.assertEqual(self.customer.collection_bureau_status, "settled")

    def test_written_off_stays_whatever_the_run_sees(self):
        self._invoice()
        self._run_day(20)
        self.customer._collection_set_bureau_status("written_off")
        self._run_day(40)
        self.assertEqual(self.customer.collection_bureau_status, "written_off")

    def test_export_reports_the_status_and_skips_unreportable_customers(self):
        other = self.env["res.partner"].create(
            {"name": "Not a borrower", "collection_bureau_reportable": False}
        )
        self._invoice()
        with freeze_time(self.DUE):
            self._create_invoice(other, self.DUE, 500.0)
        self._run_day(95)
        export = (
            self.env["collection.bureau.export"]
            .with_user(self.manager)
            .create({"period": date(2026, 4, 1)})
        )
        with freeze_time("2026-04-06 10:00:00"):
            export.action_export()
        self.assertEqual(export.line_ids.partner_id, self.customer)
        self.assertEqual(export.line_ids.bureau_status, "delinquent")
        header, row = base64.b64decode(export.attachment_id.datas).decode().splitlines()
        self.assertTrue(header.endswith(",account_status"))
        self.assertTrue(row.endswith(",delinquent"))

    def test_monthly_cron_prepares_a_draft_and_never_sends(self):
        cron = self.env.ref("collections_dunning.ir_cron_collection_bureau_export")
        self.assertEqual(cron.interval_type, "months")
        self._invoice()
        self._run_day(20)
        Export = self.env["collection.bureau.export"]
        with freeze_time("2026-02-01 02:00:00"):
            cron.ir_actions_server_id.run()
        export = Export.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(export), 1)
        self.assertEqual(export.period, date(2026, 2, 1))
        self.assertEqual(export.state, "draft")
        self.assertFalse(export.line_ids)
        self.assertFalse(export.attachment_id)
        # a second run in the month prepares nothing twice
        with freeze_time("2026-02-15 02:00:00"):
            cron.ir_actions_server_id.run()
        self.assertEqual(Export.search_count([("company_id", "=", self.company.id)]), 1)
        # the manager reviews it and exports; the next month gets its own draft
        with freeze_time("2026-02-16 10:00:00"):
            export.with_user(self.manager).action_export()
        self.assertEqual(export.state, "done")
        self.assertEqual(export.line_ids.partner_id, self.customer)
        with freeze_time("2026-03-01 02:00:00"):
            cron.ir_actions_server_id.run()
        march = Export.search([("company_id", "=", self.company.id), ("state", "=", "draft")])
        self.assertEqual(march.period, date(2026, 3, 1))
