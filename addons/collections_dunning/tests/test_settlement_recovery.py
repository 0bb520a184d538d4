from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


def day(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestSettlementRecovery(CollectionsCommon):
    """Issue 12: while a settlement (death, verified distress) is proposed or
    approved the case leaves the recovery path; an approved one writes the
    agreed part off through accounting, and the case closes once nothing is
    overdue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        cls.policy = cls.env.ref("collections_dunning.policy_sop")
        cls.policy.write({"penal_rate": 2.0, "penal_period": "month", "penal_grace_days": 0})
        cls.field_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Field Recovery", "is_collection_team": True}
        )
        cls.env.ref("collections_dunning.policy_sop_l3").hand_over_team_id = cls.field_team
        cls.manager_2 = new_test_user(
            cls.env, login="coll-manager-2", groups="collections_dunning.group_collection_manager"
        )
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 1200.0)

    def _run(self, n):
        with freeze_time(day(n)):
            self.env["collection.policy"]._cron_run()
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def d(self, xmlid):
        return self.env.ref(f"collections_dunning.disposition_{xmlid}")

    def _propose(self, case, n=2):
        """The agent hears the customer died and logs it: a settlement is proposed."""
        with freeze_time(day(n)):
            self.env["collection.interaction"].with_user(self.agent_1).create(
                {
                    "ticket_id": case.id,
                    "status_id": self.d("contacted").id,
                    "reason_id": self.d("contacted_deceased").id,
                    "resolution_id": self.d("contacted_deceased_settlement").id,
                    "note": "Reported by the family",
                }
            )
        return case.settlement_ids

    def test_proposed_settlement_leaves_the_recovery_path(self):
        case = self._run(1)
        self.assertEqual(case.collection_level_id.code, "L1")
        settlement = self._propose(case)
        self.assertEqual(settlement.state, "to_approve")
        self.assertEqual(settlement.amount_overdue, 1200.0)
        reminders = case.collection_reminder_ids
        penal = case.penal_balance  # the first day's, before the settlement
        for n in (8, 20, 62):
            case = self._run(n)
            self.assertEqual(case.collection_level_id.code, "L1", f"no level move on day {n}")
            self.assertEqual(case.collection_dpd, n, "its figures are still kept up to date")
        self.assertFalse(case.collection_escalation_date, "not handed over")
        self.assertEqual(case.penal_balance, penal, "no penal accrual")
        self.assertEqual(case.collection_reminder_ids, reminders, "no reminder")

        # Rejected: recovery resumes from today, without the days of the settlement.
        settlement.with_user(self.manager).action_reject()
        case = self._run(63)
        self.assertEqual(case.collection_level_id.code, "L3")
        self.assertEqual(case.collection_escalation_date, (DUE + timedelta(days=63)))
        self.assertIn("Field Recovery", " ".join(self._notes(case)))
        daily = 1200.0 * self.policy._penal_daily_factor()
        self.assertAlmostEqual(case.penal_accrued, penal + daily, places=2)

    def test_approved_settlement_writes_off_through_accounting(self):
        case = self._run(1)
        settlement = self._propose(case)
        settlement.with_user(self.manager).write({"amount_proposed": 200.0})
        self.assertEqual(settlement.amount_written_off, 1000.0)
        with freeze_time(day(3)):
            settlement.with_user(self.manager).action_approve()
        refund = settlement.credit_note_id
        self.assertEqual(
            (refund.move_type, refund.state, refund.amount_total),
            ("out_refund", "posted", 1000.0),
        )
        self.assertEqual(refund.partner_id, self.customer)
        self.assertEqual(self.invoice.amount_residual, 200.0, "reconciled with the invoice")
        self.assertFalse(case.stage_id.closed, "200 is still to pay")
        with self.assertRefused(UserError, "cannot be edited"):
            settlement.with_user(self.manager).write({"amount_proposed": 0.0})
        case = self._run(8)
        self.assertEqual(case.collection_level_id.code, "L1", "approved: still off the path")
        with freeze_time(day(9)):
            self._pay(self.invoice, date=DUE + timedelta(days=9))
        self._run(10)
        self.assertEqual(case.stage_id, self.env.ref("collections_dunning.helpdesk_stage_paid"))

    def test_full_write_off_closes_the_case_at_once(self):
        case = self._run(1)
        settlement = self._propose(case)
        with freeze_time(day(3)):
            settlement.with_user(self.manager).action_approve()
        self.assertEqual(settlement.credit_note_id.amount_total, 1200.0)
        self.assertEqual(self.invoice.amount_residual, 0.0)
        self.assertTrue(case.stage_id.closed)
        self.assertEqual(case.amount_overdue, 0.0)
        # a later invoice is recovered as usual: the settled case is closed
        with freeze_time(day(30)):
            self._create_invoice(self.customer, DUE + timedelta(days=30), 500.0)
        new_case = self._run(40) - case
        self.assertEqual(len(new_case), 1)
        self.assertEqual(new_case.collection_level_id.code, "L2")

    def test_settlement_amounts_are_bounded(self):
        case = self._run(1)
        settlement = self._propose(case)
        with self.assertRefused(ValidationError, "between 0 and the overdue amount"):
            settlement.with_user(self.manager).write({"amount_proposed": 5000.0})
        with self.assertRefused(ValidationError, "between 0 and the overdue amount"):
            settlement.with_user(self.manager).write({"amount_proposed": -1.0})
        with self.assertRefused(UserError, "another manager must approve"):
            self.env["collection.settlement"].with_user(self.manager).create(
                {"ticket_id": case.id}
            ).action_approve()
        self.assertFalse(
            self.env["account.move"].search(
                [("move_type", "=", "out_refund"), ("partner_id", "=", self.customer.id)]
            )
        )

    def test_approved_settlement_reports_the_customer_settled(self):
        """Issue 12: the bureau hears "settled" the day a settlement is approved,
        and the daily run's buckets do not overwrite it while it stands."""
        case = self._run(1)
        self.assertEqual(self.customer.collection_bureau_status, "overdue_30")
        settlement = self._propose(case)
        settlement.with_user(self.manager).write({"amount_proposed": 200.0})
        self._run(2)
        self.assertEqual(self.customer.collection_bureau_status, "overdue_30", "proposed only")
        with freeze_time(day(3)):
            settlement.with_user(self.manager_2).action_approve()
        self.assertEqual(self.customer.collection_bureau_status, "settled")
        self.assertEqual(self.customer.collection_bureau_status_date, DUE + timedelta(days=3))
        for n in (4, 40, 95):
            case = self._run(n)
            self.assertFalse(case.stage_id.closed, "200 is still to pay")
            self.assertEqual(case.collection_dpd, n)
            self.assertEqual(
                self.customer.collection_bureau_status, "settled", f"still settled on day {n}"
            )

    def test_rejected_settlement_reports_nothing(self):
        case = self._run(1)
        settlement = self._propose(case)
        with freeze_time(day(3)):
            settlement.with_user(self.manager_2).action_reject()
        self.assertEqual(self.customer.collection_bureau_status, "overdue_30")
        self._run(40)
        self.assertEqual(self.customer.collection_bureau_status, "overdue_60")
