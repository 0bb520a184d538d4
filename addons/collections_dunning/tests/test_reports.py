from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import CollectionsCommon

DUE = date(2031, 3, 1)


def at(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestReports(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].create(
            {"name": "Household 8", "email": "h8@example.com"}
        )

    def _run(self, n):
        with freeze_time(at(n)):
            self.env["collection.policy"]._cron_run()

    def test_roll_rates_between_two_days(self):
        with freeze_time(DUE):
            self._create_invoice(self.customer, DUE, 1000.0)
            late = self._create_invoice(self.other, DUE - timedelta(days=5), 400.0)
        self._run(6)  # customer: 6 days (L1); other: 11 days (L2)
        self._run(6)  # a rerun overwrites the day's snapshot
        Snapshot = self.env["collection.snapshot"]
        self.assertEqual(Snapshot.search_count([("date", "=", DUE + timedelta(days=6))]), 2)
        with freeze_time(at(7, 8)):
            self._pay(late, date=DUE + timedelta(days=7))
        self._run(7)  # customer rolls to L2, other is paid
        rows = Snapshot._roll_rates(DUE + timedelta(days=6), DUE + timedelta(days=7))
        self.assertEqual(
            [(r["bucket_from"], r["bucket_to"], r["count"], r["amount"], r["rate"]) for r in rows],
            [("L1", "L2", 1, 1000.0, 1.0), ("L2", "Paid", 1, 400.0, 1.0)],
        )
        wizard = (
            self.env["collection.roll.rate.wizard"]
            .with_user(self.manager)
            .create({"date_from": DUE + timedelta(days=6), "date_to": DUE + timedelta(days=7)})
        )
        wizard.action_compute()
        self.assertEqual(wizard.line_ids.mapped("rate"), [100.0, 100.0])

    def test_roll_rate_stays_in_bucket(self):
        with freeze_time(DUE):
            self._create_invoice(self.customer, DUE, 1000.0)
            self._create_invoice(self.other, DUE, 300.0)
        self._run(2)
        with freeze_time(at(3, 8)):
            self._pay(
                self.env["account.move"].search([("partner_id", "=", self.other.id)]),
                date=DUE + timedelta(days=3),
            )
        self._run(3)
        rows = self.env["collection.snapshot"]._roll_rates(
            DUE + timedelta(days=2), DUE + timedelta(days=3)
        )
        self.assertEqual(
            [(r["bucket_from"], r["bucket_to"], r["count"], r["rate"]) for r in rows],
            [("L1", "L1", 1, 0.5), ("L1", "Paid", 1, 0.5)],
        )

    def test_collection_efficiency_per_month(self):
        with freeze_time(DUE):
            first = self._create_invoice(self.customer, DUE + timedelta(days=2), 1000.0)
            self._create_invoice(self.other, DUE + timedelta(days=9), 500.0)
            self._create_invoice(self.other, DUE + timedelta(days=40), 200.0)
            self._pay(first, amount=600.0, date=DUE + timedelta(days=2))
        Report = self.env["collection.efficiency.report"].with_user(self.manager)
        march = Report.search(
            [("month", "=", date(2031, 3, 1)), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            (march.invoice_count, march.amount_due, march.amount_collected, march.efficiency),
            (2, 1500.0, 600.0, 40.0),
        )
        april = Report.search(
            [("month", "=", date(2031, 4, 1)), ("company_id", "=", self.company.id)]
        )
        self.assertEqual((april.amount_due, april.efficiency), (200.0, 0.0))

    def test_agent_performance(self):
        with freeze_time(DUE):
            invoice = self._create_invoice(self.customer, DUE, 1000.0)
        self._run(1)
        case = self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )
        d = lambda x: self.env.ref(f"collections_dunning.disposition_{x}").id  # noqa: E731
        Interaction = self.env["collection.interaction"].with_user(self.agent_1)
        with freeze_time(at(2)):
            Interaction.create(
                {
                    "ticket_id": case.id,
                    "status_id": d("not_contacted"),
                    "reason_id": d("not_contacted_no_answer"),
                    "resolution_id": d("not_contacted_no_answer_unreachable"),
                }
            )
        with freeze_time(at(2, 11)):
            Interaction.create(
                {
                    "ticket_id": case.id,
                    "status_id": d("contacted"),
                    "reason_id": d("contacted_ptp"),
                    "resolution_id": d("contacted_ptp_scheduled"),
                    "promise_amount": 300.0,
                    "promise_date": DUE + timedelta(days=4),
                }
            )
        with freeze_time(at(3)):
            self._pay(invoice, amount=300.0, date=DUE + timedelta(days=3))
        self._run(3)
        row = (
            self.env["collection.agent.report"]
            .with_user(self.manager)
            .search([("user_id", "=", self.agent_1.id), ("month", "=", date(2031, 3, 1))])
        )
        self.assertEqual(
            (
                row.contact_count,
                row.reached_count,
                row.promise_count,
                row.kept_count,
                row.amount_collected,
            ),
            (2, 1, 1, 1, 300.0),
        )

    def test_callback_sla_compliance(self):
        tickets = [self._create_ticket(purifier_id=f"PUR-5{n}") for n in range(3)]
        with freeze_time("2031-03-02 10:00:00"):
            for ticket in tickets:
                self._transfer(ticket)
        with freeze_time("2031-03-02 10:20:00"):
            (tickets[0] | tickets[1])._collection_register_contact()
        with freeze_time("2031-03-02 11:00:00"):
            tickets[2]._collection_register_contact()
        row = (
            self.env["collection.sla.report"]
            .with_user(self.manager)
            .search([("month", "=", date(2031, 3, 1)), ("team_id", "=", self.team_collections.id)])
        )
        self.assertEqual((row.callback_count, row.on_time_count, row.late_count), (3, 2, 1))
        self.assertAlmostEqual(row.compliance, 66.67)

    def test_aging_by_bucket(self):
        with freeze_time(DUE):
            self._create_invoice(self.customer, DUE, 1000.0)
            self._create_invoice(self.other, DUE - timedelta(days=10), 400.0)
        self._run(3)
        action = self.env.ref("collections_dunning.action_report_aging")
        groups = (
            self.env["helpdesk.ticket"]
            .with_user(self.manager)
            ._read_group(
                safe_eval(action.domain),
                ["collection_level_id"],
                ["__count", "amount_overdue:sum"],
            )
        )
        self.assertEqual(
            sorted((level.code, count, amount) for level, count, amount in groups),
            [("L1", 1, 1000.0), ("L2", 1, 400.0)],
        )

    def test_reports_are_for_managers(self):
        for model in (
            "collection.snapshot",
            "collection.efficiency.report",
            "collection.agent.report",
            "collection.sla.report",
            "collection.roll.rate.wizard",
        ):
            self.assertTrue(self.env[model].with_user(self.manager).has_access("read"), model)
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.agent_1).search([])
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_user).search([])
