import base64
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2026, 2, 1)


@tagged("post_install", "-at_install")
class TestBureauExport(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer.write({"ref": "C-0007", "vat": "", "phone": "+91 80 4000 1234"})
        cls.second = Partner.create({"name": "Household 9", "ref": "C-0009"})
        cls.recent = Partner.create({"name": "Household 10", "ref": "C-0010"})
        with freeze_time(DUE):
            cls._create_invoice(cls.customer, DUE, 1000.0)
            cls._create_invoice(cls.second, DUE - timedelta(days=5), 250.5)
            cls._create_invoice(cls.recent, DUE + timedelta(days=10), 90.0)
        with freeze_time(
            datetime.combine(DUE + timedelta(days=16), datetime.min.time()) + timedelta(hours=10)
        ):
            cls.env["collection.policy"]._cron_run()

    def _export(self, **values):
        export = (
            self.env["collection.bureau.export"]
            .with_user(self.manager)
            .create({"period": date(2026, 2, 1), **values})
        )
        with freeze_time("2026-02-17 10:00:00"):
            export.action_export()
        return export

    def _rows(self, export):
        return base64.b64decode(export.attachment_id.datas).decode().splitlines()

    def test_reportable_from_15_days_in_documented_layout(self):
        export = self._export()
        self.assertEqual(export.line_ids.partner_id, self.customer | self.second)
        self.assertEqual(
            self._rows(export),
            [
                "period,record_type,customer_ref,customer_name,vat,phone,email,days_past_due,"
                "amount_overdue,currency,oldest_due_date,account_status",
                f"2026-02,NEW,C-0007,{self.customer.name},,+91 80 4000 1234,"
                f"{self.customer.email},16,"
                f"1000.00,{self.company.currency_id.name},2026-02-01,overdue_30",
                f"2026-02,NEW,C-0009,Household 9,,,,21,250.50,{self.company.currency_id.name},"
                "2026-01-27,overdue_30",
            ],
        )

    def test_no_account_is_sent_twice_for_a_period(self):
        self._export()
        with self.assertRaisesRegex(UserError, "not reported already"):
            self._export()
        next_month = (
            self.env["collection.bureau.export"]
            .with_user(self.manager)
            .create({"period": date(2026, 3, 1)})
        )
        next_month.action_export()
        self.assertEqual(len(next_month.line_ids), 2)

    def test_correction_resends_chosen_accounts(self):
        self._export()
        correction = self._export(is_correction=True, partner_ids=[(6, 0, self.second.ids)])
        self.assertEqual(correction.line_ids.partner_id, self.second)
        self.assertTrue(self._rows(correction)[1].startswith("2026-02,CORRECTION,C-0009"))
        with self.assertRaisesRegex(UserError, "Choose the accounts"):
            self._export(is_correction=True)

    def test_threshold_is_configurable(self):
        self.company.collection_bureau_days = 20
        export = self._export()
        self.assertEqual(export.line_ids.partner_id, self.second)

    def test_only_managers_export(self):
        with self.assertRaises(AccessError):
            self.env["collection.bureau.export"].with_user(self.agent_1).create(
                {"period": date(2026, 2, 1)}
            )
