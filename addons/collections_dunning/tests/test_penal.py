from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 1)


def at(n):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=10)


@tagged("post_install", "-at_install")
class TestPenalCharges(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["collection.policy"].create(
            {
                "name": "Lending",
                "paid_stage_id": cls.env.ref("collections_dunning.helpdesk_stage_paid").id,
                "level_ids": [Command.create({"code": "D1", "name": "Due", "dpd_from": 1})],
                "penal_rate": 2.0,
                "penal_period": "month",
                "penal_grace_days": 5,
            }
        )
        cls.customer.collection_policy_id = cls.policy
        cls.manager_2 = new_test_user(
            cls.env, login="coll-manager-2", groups="collections_dunning.group_collection_manager"
        )

    def _invoice(self, amount):
        with freeze_time(DUE):
            return self._create_invoice(self.customer, DUE, amount)

    def _run(self, n):
        with freeze_time(at(n)):
            self.env["collection.policy"]._cron_run()
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def test_monthly_rate_with_grace_days(self):
        self._invoice(10000.0)
        case = self._run(35)  # 30 days past the 5 grace days
        self.assertEqual(case.penal_balance, 200.00)
        self._run(35)
        self.assertEqual(case.penal_balance, 200.00, "a rerun adds nothing")

    def test_daily_rate(self):
        self.policy.write({"penal_rate": 0.1, "penal_period": "day", "penal_grace_days": 0})
        self._invoice(1234.56)
        case = self._run(10)
        self.assertEqual(case.penal_balance, 12.35)  # 1234.56 x 0.1 % x 10

    def test_yearly_rate(self):
        self.policy.write({"penal_rate": 18.0, "penal_period": "year", "penal_grace_days": 0})
        self._invoice(5000.0)
        case = self._run(73)
        self.assertEqual(case.penal_balance, 180.00)  # 5000 x 18 % x 73 / 365

    def test_daily_accrual_follows_the_residual(self):
        self.policy.penal_grace_days = 0
        invoice = self._invoice(10000.0)
        case = self._run(10)
        self.assertEqual(case.penal_balance, 66.67)
        with freeze_time(at(10)):
            self._pay(invoice, amount=5000.0, date=DUE + timedelta(days=10))
        case = self._run(20)  # ten more days on 5000
        self.assertEqual(case.penal_balance, 100.00)

    def test_cap(self):
        self.policy.write({"penal_cap_percent": 1.0, "penal_grace_days": 0})
        self._invoice(10000.0)
        case = self._run(90)
        self.assertEqual(case.penal_balance, 100.00)

    def test_posting_once_per_month(self):
        self._invoice(10000.0)
        case = self._run(35)
        with self.assertRaises(AccessError):
            case.with_user(self.agent_1).action_post_penal_charges()
        with freeze_time(at(35)):
            case.with_user(self.manager).action_post_penal_charges()
            charge = case.penal_charge_ids
            self.assertEqual(charge.amount, 200.00)
            self.assertEqual(charge.move_id.state, "posted")
            self.assertEqual(charge.move_id.amount_total, 200.00)
            self.assertEqual(charge.move_id.partner_id, self.customer)
            self.assertEqual(case.penal_balance, 0.0)
        case = self._run(40)
        with freeze_time(at(40)), self.assertRaisesRegex(UserError, "already invoiced"):
            case.with_user(self.manager).action_post_penal_charges()

    def test_small_waiver_needs_one_manager(self):
        self._invoice(10000.0)
        case = self._run(35)
        waiver = (
            self.env["collection.penal.waiver"]
            .with_user(self.manager)
            .create({"ticket_id": case.id, "amount": 50.0, "reason": "Goodwill"})
        )
        self.assertEqual(waiver.state, "approved")
        self.assertEqual(waiver.approved_by_id, self.manager)
        self.assertEqual(case.penal_balance, 150.0)

    def test_large_waiver_needs_a_second_manager(self):
        self.company.collection_waiver_threshold = 20.0
        self._invoice(10000.0)
        case = self._run(35)
        waiver = (
            self.env["collection.penal.waiver"]
            .with_user(self.manager)
            .create({"ticket_id": case.id, "amount": 150.0, "reason": "Hardship"})
        )
        self.assertEqual(waiver.state, "to_approve")
        self.assertEqual(case.penal_balance, 200.0)
        with self.assertRaisesRegex(UserError, "second manager"):
            waiver.with_user(self.manager).action_approve()
        with self.assertRaises(AccessError):
            waiver.with_user(self.agent_1).action_approve()
        waiver.with_user(self.manager_2).action_approve()
        self.assertEqual(
            (waiver.state, waiver.requested_by_id, waiver.approved_by_id),
            ("approved", self.manager, self.manager_2),
        )
        self.assertEqual(case.penal_balance, 50.0)

    def test_waiver_cannot_exceed_balance(self):
        self._invoice(10000.0)
        case = self._run(35)
        with self.assertRaisesRegex(ValidationError, "more than the penal charges due"):
            self.env["collection.penal.waiver"].with_user(self.manager).create(
                {"ticket_id": case.id, "amount": 250.0, "reason": "Too much"}
            )

    def test_settlement_waives_the_balance(self):
        self._invoice(10000.0)
        case = self._run(35)
        settlement = self.env["collection.settlement"].create({"ticket_id": case.id})
        settlement.with_user(self.manager).action_approve()
        self.assertEqual(case.penal_balance, 0.0)
        self.assertEqual(case.penal_waived, 200.0)
