from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon

DAY_0 = date(2026, 3, 1)
# days past due of each household's invoice on day 0: spread over the SOP's
# levels (1-6, 7-60, 61+), its reminder steps (level entry, day 3, due + 15, 30,
# 45) and the hand-over at 61 days.
DPD_ON_DAY_0 = (1, 4, 6, 13, 14, 29, 44, 58, 59, 70)
DAYS = 18


def at(day):
    return datetime.combine(DAY_0 + timedelta(days=day), datetime.min.time()) + timedelta(hours=10)


@tagged("post_install", "-at_install")
class TestQuietCustomers(CollectionsCommon):
    """Issue 13: on a steady-state day the customers with nothing to decide are
    moved on in bulk. Whatever happens to the customers, that must leave every
    case, reminder, snapshot, note, to-do and customer status exactly as the
    batch steps working every customer would have."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.penal_policy = env["collection.policy"].create(
            {
                "name": "Lending with penal interest",
                "paid_stage_id": env.ref("collections_dunning.helpdesk_stage_paid").id,
                "level_ids": [
                    Command.create({"code": "P1", "name": "Due", "dpd_from": 1, "dpd_to": 9}),
                    Command.create({"code": "P2", "name": "Late", "dpd_from": 10}),
                ],
                "penal_rate": 24.0,
                "penal_period": "year",
                "penal_grace_days": 2,
            }
        )
        cls.households = env["res.partner"].create(
            [
                {
                    "name": f"Quiet household {dpd}",
                    "email": f"quiet{dpd}@example.com",
                    "phone": f"+91 80 4100 {1000 + dpd}",
                    "country_id": env.ref("base.in").id,
                }
                for dpd in DPD_ON_DAY_0
            ]
        )
        # a short unreachable window, so that a flag is raised and drops within the days run
        cls.company.write({"collection_unreachable_days": 4, "collection_unreachable_attempts": 1})
        cls.households[2].collection_policy_id = cls.penal_policy
        cls.households[5].collection_policy_id = cls.penal_policy
        cls.invoices = {}
        for household, dpd in zip(cls.households, DPD_ON_DAY_0, strict=True):
            due = DAY_0 - timedelta(days=dpd)
            with freeze_time(due):
                cls.invoices[household] = cls._create_invoice(household, due, 1000.0 + dpd)
        # one customer with two purifiers: one case per device
        cls.two_devices = cls.households[4]
        with freeze_time(DAY_0 - timedelta(days=20)):
            second = cls._create_invoice(cls.two_devices, DAY_0 - timedelta(days=20), 700.0)
        cls.invoices[cls.two_devices].purifier_id = "PUR-QUIET-1"
        second.purifier_id = "PUR-QUIET-2"

    # ------------------------------------------------------------------
    # What a customer sees of the run, by natural keys (ids of what a run
    # creates differ between two runs of the same day)
    # ------------------------------------------------------------------

    def _state(self):
        env = self.env
        env.flush_all()
        env.invalidate_all()
        cases = env["helpdesk.ticket"].search([("collection_case", "=", True)])
        key = {case.id: (case.partner_id.name, case.purifier_id or "") for case in cases}
        state = {}
        for case in cases:
            state[("case",) + key[case.id]] = (
                case.stage_id.name,
                case.collection_level_id.code,
                case.team_id.name,
                case.user_id.login,
                case.collection_dpd,
                round(case.amount_overdue, 2),
                case.collection_due_date,
                case.collection_level_date,
                case.next_reminder_date,
                round(case.sudo().penal_accrued, 4),
                case.penal_accrued_date,
                case.collection_escalation_date,
                case.collection_recovery_state,
                sorted(case.overdue_invoice_ids.ids),
                len(case.message_ids),
                sorted(case.activity_ids.mapped("summary")),
            )
        state["reminders"] = sorted(
            (key[r.ticket_id.id], r.step_id.id, r.channel, r.state, r.due_date)
            for r in env["collection.reminder"].search([("ticket_id", "in", cases.ids)])
        )
        state["snapshots"] = sorted(
            (key[s.ticket_id.id], s.date, s.level_id.code or "", s.bucket, s.dpd, s.amount_overdue)
            for s in env["collection.snapshot"].search([("ticket_id", "in", cases.ids)])
        )
        state["customers"] = sorted(
            (
                partner.name,
                partner.collection_bureau_status,
                partner.collection_bureau_status_date,
                partner.collection_unreachable,
                partner.collection_uncooperative,
            )
            for partner in self.households
        )
        return state

    def _run(self, day, full=False):
        run = self.env["collection.policy"]
        if full:
            run = run.with_context(collection_run_full=True)
        with freeze_time(at(day)):
            run._cron_run()
        return self.env["collection.run.log"].search([], order="id desc", limit=1)

    def _run_both_ways(self, day):
        """The day's run, every customer through the batch steps and then,
        from the same start, with the quiet customers moved on in bulk: the
        same result. Returns the second run's log."""
        with self.env.cr.savepoint() as savepoint:
            self._run(day, full=True)
            expected = self._state()
            savepoint.rollback()
        self.env.invalidate_all()
        log = self._run(day)
        state = self._state()
        differences = {
            name: (expected.get(name), state.get(name))
            for name in set(expected) | set(state)
            if expected.get(name) != state.get(name)
        }
        self.assertFalse(differences, f"day {day}: (worked one by one, moved on in bulk)")
        return log

    def _no_answer(self, case):
        """An agent tries the customer once on each channel, without an answer."""
        for channel in ("whatsapp", "email", "call"):
            self.env["collection.interaction"].with_user(self.agent_1).create(
                {
                    "ticket_id": case.id,
                    "channel": channel,
                    "status_id": self._disposition("not_contacted").id,
                    "reason_id": self._disposition("not_contacted_no_answer").id,
                    "resolution_id": self._disposition("not_contacted_no_answer_unreachable").id,
                }
            )

    def _disposition(self, name):
        return self.env.ref(f"collections_dunning.disposition_{name}")

    def _case(self, household, device=False):
        domain = [("collection_case", "=", True), ("partner_id", "=", household.id)]
        if device:
            domain.append(("purifier_id", "=", device))
        return self.env["helpdesk.ticket"].search(domain)

    # ------------------------------------------------------------------

    def test_days_with_events_end_as_if_every_customer_was_worked(self):
        quiet, self.flags_seen = [], []
        for day in range(DAYS):
            with freeze_time(at(day) - timedelta(hours=2)):
                self._events_of(day)
            log = self._run_both_ways(day)
            quiet.append(log.customers_quiet)
            self.flags_seen.append(self.households[0].collection_unreachable)
        self.assertEqual(quiet[0], 0, "the first run works every customer")
        self.assertTrue(all(count < len(self.households) for count in quiet))
        self.assertGreaterEqual(
            max(quiet), len(self.households) // 2, "most customers are quiet on some day"
        )
        self.assertTrue(any(self.flags_seen), "the unreachable flag was raised")
        self.assertFalse(self.flags_seen[-1], "then dropped with the window")

    def _events_of(self, day):
        """What happens to the customers between two runs."""
        households = self.households
        if day == 1:  # no answer on any channel: unreachable until the attempts are 4 days old
            self._no_answer(self._case(households[0]))
        if day == 2:  # a partial payment
            self._pay(self.invoices[households[1]], amount=300.0)
        if day == 3:  # a promise, due two days later and not kept
            case = self._case(households[6])
            self.env["collection.promise"].create(
                {
                    "ticket_id": case.id,
                    "amount": case.amount_overdue,
                    "start_date": DAY_0 + timedelta(days=day),
                    "date": DAY_0 + timedelta(days=day + 2),
                }
            )
        if day == 5:  # paid in full
            self._pay(self.invoices[households[3]])
        if day == 6:  # a new invoice falls due on an open case
            self._create_invoice(households[7], DAY_0 + timedelta(days=day - 1), 250.0)
        if day == 8:  # an agent drags a case to another bucket's stage
            case = self._case(households[8])
            case.stage_id = self.env.ref("collections_dunning.helpdesk_stage_l1")
        if day == 10:  # one device of the two paid
            second = self.env["account.move"].search(
                [("purifier_id", "=", "PUR-QUIET-2"), ("partner_id", "=", self.two_devices.id)]
            )
            self._pay(second)

    def test_a_quiet_day_moves_figures_on_without_working_the_cases(self):
        self._run(0)
        self._run(1)  # steps due on entering the level and the next day logged
        cases = self.env["helpdesk.ticket"].search([("collection_case", "=", True)])
        before = {case.id: (len(case.message_ids), case.collection_dpd) for case in cases}
        day_2 = DAY_0 + timedelta(days=2)
        # no reminder step due on day 2 and the same level one day later
        quiet_cases = cases.filtered(
            lambda c: (
                (not c.next_reminder_date or c.next_reminder_date > day_2)
                and c.collection_policy_id._level_for_dpd(c.collection_dpd + 1)
                == c.collection_level_id
            )
        )
        log = self._run(2)
        self.env.invalidate_all()
        self.assertTrue(quiet_cases)
        self.assertEqual(
            log.customers_quiet, len(quiet_cases.commercial_partner_id), "quiet cases counted"
        )
        for case in quiet_cases:
            self.assertEqual(case.collection_dpd, before[case.id][1] + 1, "days past due moved on")
            self.assertEqual(len(case.message_ids), before[case.id][0], "nothing logged")
            snapshot = self.env["collection.snapshot"].search(
                [("ticket_id", "=", case.id), ("date", "=", day_2)]
            )
            self.assertEqual(snapshot.dpd, case.collection_dpd)

    def test_changed_settings_make_the_next_run_look_at_everyone(self):
        self._run(0)
        self._run(1)
        self.assertGreater(self._run(2).customers_quiet, 0)
        # a manager adds a step to level 2, due 20 days after the due date
        level = self.env.ref("collections_dunning.policy_sop_l2")
        step = self.env["collection.reminder.step"].create(
            {
                "level_id": level.id,
                "name": "Day 20 call",
                "channel": "activity",
                "activity_type_id": self.env.ref(
                    "collections_dunning.mail_activity_type_follow_up"
                ).id,
                "offset_from": "due_date",
                "day_offset": 20,
            }
        )
        log = self._run(3)
        self.assertEqual(log.customers_quiet, 0, "every customer worked after a settings change")
        logged = self.env["collection.reminder"].search([("step_id", "=", step.id)])
        self.assertTrue(logged, "the new step is logged for the cases it is due for")
        self.assertGreater(self._run(4).customers_quiet, 0, "quiet again the run after")

    def test_customers_read_a_chunk_at_a_time_give_the_same_run(self):
        """The run reads its customers a chunk at a time (memory flat in the size
        of the book): small chunks and batches give what one chunk gives."""
        Run = type(self.env["collection.run"])
        for day in (0, 1, 5):
            with self.env.cr.savepoint() as savepoint:
                self._run(day)
                expected = self._state()
                savepoint.rollback()
            self.env.invalidate_all()
            with (
                patch.object(Run, "_customer_chunk", 3),
                patch.object(Run, "_batch_size", 2),
                patch.object(Run, "_quiet_chunk", 2),
            ):
                log = self._run(day)
            self.assertEqual(self._state(), expected, f"day {day}")
            self.assertEqual(log.customer_count, len(DPD_ON_DAY_0) + 1)

    def test_a_batch_never_cuts_a_customer(self):
        Run = self.env["collection.run"]
        company = self.env.company.id
        keys = [
            (company, 1, False),
            (company, 2, "PUR-A"),
            (company, 2, "PUR-B"),
            (company, 3, False),
        ]
        with patch.object(type(Run), "_batch_size", 2):
            batches = list(Run._customer_batches(keys))
        self.assertEqual(batches, [[keys[0]], keys[1:3], [keys[3]]])

    def test_a_chunk_that_fails_to_move_on_goes_through_the_batches(self):
        """One bad record never stops the run: when moving a chunk of quiet
        cases on fails, they go through the batch steps instead, with the same
        result."""
        self._run(0)
        self._run(1)
        with self.env.cr.savepoint() as savepoint:
            self._run(2, full=True)
            expected = self._state()
            savepoint.rollback()
        self.env.invalidate_all()

        def broken(*args, **kwargs):
            raise ValueError("a bad record")

        with patch.object(type(self.env["collection.run"]), "_move_on_rows", broken):
            log = self._run(2)
        self.assertEqual(log.customers_quiet, 0)
        self.assertEqual(log.state, "done")
        self.assertEqual(self._state(), expected)
