from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 1)


def at(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestFourEyes(CollectionsCommon):
    """What an RPC client sends to create() and write() cannot skip the state
    machines of waivers, settlements, plans, promises and interactions."""

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
        cls.company.write({"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0})
        cls.manager_2 = new_test_user(
            cls.env, login="coll-manager-2", groups="collections_dunning.group_collection_manager"
        )
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 10000.0)
        with freeze_time(at(35)):
            cls.env["collection.policy"]._cron_run()
        cls.case = cls.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", cls.customer.id)]
        )

    def setUp(self):
        super().setUp()
        self.assertEqual(self.case.penal_balance, 200.0)
        self.assertEqual(self.case.amount_overdue, 10000.0)

    def d(self, xmlid):
        return self.env.ref(f"collections_dunning.disposition_{xmlid}").id

    def _waiver(self, user, amount, **values):
        return (
            self.env["collection.penal.waiver"]
            .with_user(user)
            .create({"ticket_id": self.case.id, "amount": amount, "reason": "Goodwill", **values})
        )

    def assertRefusedWrite(self, record, vals, exception=UserError, regex="cannot be edited"):
        """The write raises and nothing of it lands on the record."""
        before = record.sudo().read(list(vals))[0]
        with self.assertRaisesRegex(exception, regex):
            record.write(vals)
        record.invalidate_recordset()
        self.assertEqual(record.sudo().read(list(vals))[0], before)

    # Waivers ---------------------------------------------------------------

    def test_agent_small_waiver_waits_for_a_manager(self):
        waiver = self._waiver(self.agent_1, 50.0)
        self.assertEqual(
            (waiver.state, waiver.requested_by_id, waiver.approved_by_id),
            ("to_approve", self.agent_1, self.env["res.users"]),
        )
        with self.assertRaises(AccessError):
            waiver.with_user(self.agent_1).action_approve()
        with self.assertRaises(AccessError):
            waiver.with_user(self.agent_1).action_refuse()
        self.assertEqual(waiver.state, "to_approve")
        waiver.with_user(self.manager).action_approve()
        self.assertEqual((waiver.state, waiver.approved_by_id), ("approved", self.manager))
        self.assertEqual(self.case.penal_balance, 150.0)

    def test_case_chatter_says_who_asked_and_who_decided(self):
        waiver = self._waiver(self.agent_1, 50.0)
        waiver.with_user(self.manager).action_refuse()
        notes = " ".join(self.case.message_ids.mapped("body"))
        self.assertIn(f"(Goodwill) requested by {self.agent_1.name}", notes)
        self.assertIn(f"(Goodwill) refused by {self.manager.name}", notes)

    def test_create_ignores_state_and_people_sent_by_the_caller(self):
        waiver = self._waiver(
            self.agent_1,
            150.0,
            state="approved",
            approved_by_id=self.manager.id,
            requested_by_id=self.manager_2.id,
        )
        self.assertEqual(
            (waiver.state, waiver.requested_by_id, waiver.approved_by_id),
            ("to_approve", self.agent_1, self.env["res.users"]),
        )
        self.assertEqual(self.case.penal_balance, 200.0)

    def test_manager_cannot_ask_in_someone_elses_name(self):
        self.company.collection_waiver_threshold = 20.0
        waiver = self._waiver(self.manager, 150.0, requested_by_id=self.manager_2.id)
        self.assertEqual((waiver.state, waiver.requested_by_id), ("to_approve", self.manager))
        with self.assertRaisesRegex(UserError, "second manager"):
            waiver.with_user(self.manager).action_approve()
        self.assertEqual(waiver.state, "to_approve")

    def test_guarded_waiver_fields_are_not_written(self):
        self.company.collection_waiver_threshold = 20.0
        waiver = self._waiver(self.manager, 150.0).with_user(self.manager)
        for vals in (
            {"state": "approved"},
            {"approved_by_id": self.manager_2.id},
            {"requested_by_id": self.manager_2.id},
            {"amount": 10.0},
            {"ticket_id": self._create_ticket().id},
        ):
            self.assertRefusedWrite(waiver, vals)
        self.assertEqual(waiver.state, "to_approve")
        waiver.write({"reason": "Hospitalised in May"})
        self.assertEqual(waiver.reason, "Hospitalised in May")

    def test_decided_waiver_stays_decided(self):
        approved = self._waiver(self.manager, 50.0)
        self.assertEqual(approved.state, "approved")
        with self.assertRaisesRegex(UserError, "already decided"):
            approved.with_user(self.manager_2).action_refuse()
        self.assertEqual((approved.state, approved.approved_by_id), ("approved", self.manager))
        refused = self._waiver(self.agent_1, 50.0)
        refused.with_user(self.manager).action_refuse()
        with self.assertRaisesRegex(UserError, "already decided"):
            refused.with_user(self.manager_2).action_approve()
        self.assertEqual((refused.state, refused.approved_by_id), ("refused", self.manager))
        self.assertEqual(self.case.penal_balance, 150.0)

    # Settlements -------------------------------------------------------------

    def _settlement(self, user, **values):
        return (
            self.env["collection.settlement"]
            .with_user(user)
            .create({"ticket_id": self.case.id, **values})
        )

    def test_settlement_create_forces_a_request(self):
        settlement = self._settlement(
            self.manager,
            state="approved",
            requested_by_id=self.manager_2.id,
            decided_by_id=self.manager.id,
            decision_date=at(30),
        )
        self.assertEqual(
            (
                settlement.state,
                settlement.requested_by_id,
                settlement.decided_by_id,
                settlement.decision_date,
            ),
            ("to_approve", self.manager, self.env["res.users"], False),
        )
        self.assertFalse(self.case.penal_waiver_ids)

    def test_settlement_needs_another_manager(self):
        settlement = self._settlement(self.manager)
        for vals in (
            {"state": "approved"},
            {"decided_by_id": self.manager.id},
            {"decision_date": at(36)},
            {"requested_by_id": self.manager_2.id},
        ):
            self.assertRefusedWrite(settlement.with_user(self.manager), vals)
        with self.assertRaisesRegex(UserError, "another manager must approve"):
            settlement.with_user(self.manager).action_approve()
        self.assertEqual(settlement.state, "to_approve")
        self.assertEqual(self.case.penal_balance, 200.0)
        settlement.with_user(self.manager_2).action_approve()
        self.assertEqual((settlement.state, settlement.decided_by_id), ("approved", self.manager_2))
        with self.assertRaisesRegex(UserError, "already decided"):
            settlement.with_user(self.manager).action_reject()
        self.assertEqual(settlement.state, "approved")

    def test_settlement_waiver_above_threshold_waits_for_four_eyes(self):
        self.company.collection_waiver_threshold = 100.0
        self._settlement(self.manager_2).with_user(self.manager).action_approve()
        waiver = self.case.penal_waiver_ids
        self.assertEqual(
            (waiver.amount, waiver.state, waiver.requested_by_id),
            (200.0, "to_approve", self.manager),
        )
        self.assertEqual(self.case.penal_balance, 200.0, "nothing forgiven on one word")
        with self.assertRaisesRegex(UserError, "second manager"):
            waiver.with_user(self.manager).action_approve()
        waiver.with_user(self.manager_2).action_approve()
        self.assertEqual(self.case.penal_balance, 0.0)

    def test_settlement_waiver_below_threshold_is_approved_by_the_approver(self):
        self._settlement(self.manager_2).with_user(self.manager).action_approve()
        waiver = self.case.penal_waiver_ids
        self.assertEqual(
            (waiver.state, waiver.requested_by_id, waiver.approved_by_id),
            ("approved", self.manager, self.manager),
        )
        self.assertEqual(self.case.penal_balance, 0.0)

    # Payment plans ------------------------------------------------------------

    def _plan(self, user=None, **values):
        vals = {
            "ticket_id": self.case.id,
            "amount_total": 900.0,
            "instalment_count": 3,
            "first_date": DUE + timedelta(days=40),
        }
        vals.update(values)
        return self.env["collection.payment.plan"].with_user(user or self.agent_1).create(vals)

    def test_plan_create_forces_a_draft(self):
        with freeze_time(at(35)):
            plan = self._plan(state="active", start_date=DUE, paid_amount=900.0)
        self.assertEqual((plan.state, plan.start_date, plan.paid_amount), ("draft", False, 0.0))
        self.assertNotIn(self.case, self.case._collection_reminders_paused())

    def test_plan_state_and_terms_only_through_actions(self):
        with freeze_time(at(35)):
            plan = self._plan()
            for vals in ({"state": "active"}, {"start_date": DUE}, {"paid_amount": 900.0}):
                self.assertRefusedWrite(plan, vals)
            plan.action_activate()
        self.assertEqual((plan.state, plan.start_date), ("active", DUE + timedelta(days=35)))
        with freeze_time(at(36)):
            for vals in (
                {"amount_total": 300.0},
                {"first_date": DUE + timedelta(days=90)},
                {"instalment_count": 12},
                {"state": "draft"},
            ):
                self.assertRefusedWrite(plan, vals)
            line = plan.line_ids[0]
            self.assertRefusedWrite(line, {"amount": 1.0})
            self.assertRefusedWrite(line, {"date": DUE + timedelta(days=200)})
            self.assertRefusedWrite(line, {"state": "kept"})
            with self.assertRefused(UserError, "plan that has started"):
                line.unlink()
            with self.assertRefused(UserError, "plan that has started"):
                self.env["collection.payment.plan.line"].with_user(self.agent_1).create(
                    {"plan_id": plan.id, "date": DUE + timedelta(days=60), "amount": 1.0}
                )
            with self.assertRefused(UserError, "Only a draft plan"):
                plan.action_activate()
        self.assertEqual(len(plan.line_ids), 3)
        self.assertEqual(sum(plan.line_ids.mapped("amount")), 900.0)
        self.assertEqual(set(plan.line_ids.mapped("state")), {"open"})

    def test_plan_amount_within_what_is_overdue(self):
        with freeze_time(at(35)):
            with self.assertRefused(ValidationError, "more than what is overdue"):
                self._plan(amount_total=10000.01)
            with self.assertRefused(ValidationError, "positive amount"):
                self._plan(amount_total=0.0)
            plan = self._plan(amount_total=10000.0)
            with self.assertRefused(ValidationError, "more than what is overdue"):
                plan.write({"amount_total": 20000.0})
        self.assertEqual(plan.amount_total, 10000.0)
        self.assertEqual(self.case.payment_plan_ids, plan)

    def test_plan_first_date_within_horizon(self):
        with freeze_time(at(35)):
            with self.assertRefused(ValidationError, "cannot be in the past"):
                self._plan(first_date=DUE + timedelta(days=34))
            with self.assertRefused(ValidationError, "within 12 months"):
                self._plan(first_date=DUE + timedelta(days=35 + 370))
            self.company.collection_plan_max_months = 24
            plan = self._plan(first_date=DUE + timedelta(days=35 + 370))
        self.assertEqual(self.case.payment_plan_ids, plan)
        with freeze_time(at(45)), self.assertRefused(ValidationError, "in the past"):
            self._plan(first_date=DUE + timedelta(days=40))
        with freeze_time(at(45)):
            draft = self._plan(first_date=DUE + timedelta(days=45)).with_user(self.manager)
            with self.assertRefused(ValidationError, "in the past"):
                draft.write({"first_date": DUE + timedelta(days=40)})
        self.assertEqual(draft.first_date, DUE + timedelta(days=45))

    # Promises -------------------------------------------------------------------

    def _log(self, user=None, **values):
        vals = {
            "ticket_id": self.case.id,
            "status_id": self.d("contacted"),
            "reason_id": self.d("contacted_dispute"),
            "resolution_id": self.d("contacted_dispute_escalated"),
        }
        vals.update(values)
        return self.env["collection.interaction"].with_user(user or self.agent_1).create(vals)

    def _log_promise(self, amount, promise_date, **values):
        return self._log(
            reason_id=self.d("contacted_ptp"),
            resolution_id=self.d("contacted_ptp_scheduled"),
            promise_amount=amount,
            promise_date=promise_date,
            **values,
        )

    def test_promise_within_horizon_and_overdue(self):
        with freeze_time(at(35)):
            with self.assertRefused(ValidationError, "within 30 days"):
                self._log_promise(500.0, DUE + timedelta(days=35 + 31))
            with self.assertRefused(ValidationError, "more than what is overdue"):
                self._log_promise(10000.01, DUE + timedelta(days=40))
            with self.assertRefused(ValidationError, "cannot be in the past"):
                self._log_promise(500.0, DUE + timedelta(days=34))
            with self.assertRefused(ValidationError, "within 30 days"):
                self.env["collection.promise"].with_user(self.manager).create(
                    {"ticket_id": self.case.id, "amount": 10.0, "date": DUE + timedelta(days=99)}
                )
            self.assertFalse(self.case.interaction_ids or self.case.promise_ids)
            interaction = self._log_promise(500.0, DUE + timedelta(days=35 + 30))
        self.assertEqual(interaction.promise_id.date, DUE + timedelta(days=65))

    def test_promise_outcome_only_from_the_run(self):
        with freeze_time(at(35)):
            promise = (
                self.env["collection.promise"]
                .with_user(self.manager)
                .create(
                    {
                        "ticket_id": self.case.id,
                        "amount": 500.0,
                        "date": DUE + timedelta(days=40),
                        "state": "kept",
                        "paid_amount": 500.0,
                        "closed_date": DUE,
                    }
                )
            )
        self.assertEqual(
            (promise.state, promise.paid_amount, promise.closed_date), ("open", 0.0, False)
        )
        promise = promise.with_user(self.manager)
        for vals in (
            {"state": "kept"},
            {"paid_amount": 500.0},
            {"closed_date": DUE},
            {"date": DUE + timedelta(days=60)},
            {"amount": 1.0},
        ):
            self.assertRefusedWrite(promise, vals)
        self._run_at(41)
        self.assertEqual((promise.state, promise.closed_date), ("broken", DUE + timedelta(days=41)))

    def _run_at(self, n):
        with freeze_time(at(n)):
            self.env["collection.policy"]._cron_run()

    # Interactions -----------------------------------------------------------------

    def test_contact_logged_within_window(self):
        with freeze_time(at(35)):
            with self.assertRefused(ValidationError, "within 48 hours"):
                self._log(date=at(33, 9))
            with self.assertRefused(ValidationError, "in the future"):
                self._log(date=at(35, 11))
            self.assertFalse(self.case.interaction_ids)
            self._log(date=at(33, 11))
            self._log(date=at(35) + timedelta(minutes=4))
            self.company.collection_interaction_backdate_hours = 0
            with self.assertRefused(ValidationError, "within 0 hours"):
                self._log(date=at(35) - timedelta(minutes=1))
        self.assertEqual(len(self.case.interaction_ids), 2)

    def test_agent_logs_under_own_name(self):
        with freeze_time(at(35)):
            with self.assertRefused(AccessError, "under your own name"):
                self._log(user_id=self.agent_2.id)
            with self.assertRefused(AccessError, "under your own name"):
                self.env["collection.interaction"].with_user(self.agent_1).with_context(
                    default_user_id=self.agent_2.id
                ).create(
                    {
                        "ticket_id": self.case.id,
                        "status_id": self.d("contacted"),
                        "reason_id": self.d("contacted_dispute"),
                        "resolution_id": self.d("contacted_dispute_escalated"),
                    }
                )
            self.assertFalse(self.case.interaction_ids)
            logged = self._log(user=self.manager, user_id=self.agent_2.id)
        self.assertEqual(logged.user_id, self.agent_2)

    def test_contact_facts_are_not_rewritten(self):
        with freeze_time(at(35)):
            interaction = self._log()
            for user in (self.agent_1, self.manager):
                for vals in (
                    {"date": at(34)},
                    {"user_id": self.agent_2.id},
                    {"channel": "visit"},
                    {"status_id": self.d("not_contacted")},
                    {"reason_id": False},
                ):
                    self.assertRefusedWrite(interaction.with_user(user), vals)
            interaction.with_user(self.agent_1).write({"note": "Called from the office line"})
        self.assertEqual(interaction.note, "Called from the office line")

    # Settings ------------------------------------------------------------------------

    def test_logging_bounds_are_bounded(self):
        self.assertEqual(
            (
                self.company.collection_promise_max_days,
                self.company.collection_plan_max_months,
                self.company.collection_interaction_backdate_hours,
            ),
            (30, 12, 48),
        )
        for field_name, bad in (
            ("collection_promise_max_days", 0),
            ("collection_promise_max_days", 366),
            ("collection_plan_max_months", 0),
            ("collection_plan_max_months", 61),
            ("collection_interaction_backdate_hours", -1),
            ("collection_interaction_backdate_hours", 721),
        ):
            with self.assertRefused(ValidationError, "must be between"):
                self.company.write({field_name: bad})
        self.assertEqual(self.company.collection_plan_max_months, 12)
