import math
from contextlib import closing
from datetime import date, timedelta
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.collections_dunning.tests.common import CollectionsCommon
from odoo.addons.collections_queue_job.models.collection_run import ENABLED_PARAM, JOB_COMMITS
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import JobMixin

RUN_DAY = date(2026, 3, 2)
RUN_AT = "2026-03-02 10:00:00"
# days past due of the test customers: first level, second, and one far into the third
DAYS_PAST_DUE = (1, 3, 10, 30, 70)


@tagged("post_install", "-at_install")
class TestRunAsJobs(CollectionsCommon, JobMixin):
    """The daily run on queue_job: one job per batch of customers, the run's last
    steps in a job after them, and the same cases and reminders as in-process."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        india = cls.env.ref("base.in")
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Queue household {dpd}",
                    "email": f"queue{dpd}@example.com",
                    "phone": f"+91 80 4000 {1000 + dpd}",
                    "country_id": india.id,
                }
                for dpd in DAYS_PAST_DUE
            ]
        )
        for customer, dpd in zip(cls.customers, DAYS_PAST_DUE, strict=True):
            due = RUN_DAY - timedelta(days=dpd)
            with freeze_time(due):
                cls._create_invoice(customer, due, 500.0 + dpd)
        cls.Run = cls.env["collection.run"]
        cls.Log = cls.env["collection.run.log"]

    def setUp(self):
        super().setUp()
        # two customers a batch: the five customers make three batch jobs
        patcher = patch.object(type(self.Run), "_batch_size", 2)
        patcher.start()
        self.addCleanup(patcher.stop)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _enable(self, enabled=True):
        self.env["ir.config_parameter"].sudo().set_param(ENABLED_PARAM, str(enabled))

    def _run(self):
        with freeze_time(RUN_AT):
            self.env["collection.policy"]._cron_run()
        return self.Log.search([], limit=1)

    def _perform(self, jobs):
        """Run jobs as a worker does: on a cursor of their own (the batch jobs may
        commit), at the run's hour."""
        with freeze_time(RUN_AT), self.enter_registry_test_mode():
            for job in jobs:
                job.perform()

    def _perform_trapped(self, trap):
        with freeze_time(RUN_AT), self.enter_registry_test_mode():
            trap.perform_enqueued_jobs()

    def _batch_jobs(self, trap):
        return [job for job in trap.enqueued_jobs if job.method_name == "_job_work_batch"]

    def _mails(self, cases):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "in", cases.ids)])
        )

    def _sms(self):
        return self.env["sms.sms"].sudo().search([("partner_id", "in", self.customers.ids)])

    def _run_outcome(self):
        """What a manager sees of the test customers after a run: each one's case
        (level, stage, days past due, amount) and its reminders, and the run's counts."""
        cases = self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "in", self.customers.ids)]
        )
        log = self.Log.search([], limit=1)
        return {
            "cases": {
                case.partner_id.name: (
                    case.collection_level_id.code,
                    case.stage_id.name,
                    case.collection_dpd,
                    case.amount_overdue,
                    sorted(
                        (reminder.channel, reminder.step_id.id, reminder.state)
                        for reminder in case.collection_reminder_ids
                    ),
                )
                for case in cases
            },
            "log": {
                name: log[name]
                for name in (
                    "state",
                    "customer_count",
                    "cases_opened",
                    "cases_moved",
                    "cases_closed",
                    "reminders_queued",
                    "reminders_sent",
                    "reminders_failed",
                )
            },
        }

    def _in_process_outcome(self):
        """The outcome of the in-process run on the same data, then undone."""
        with closing(self.env.cr.savepoint()):
            self._enable(False)
            self._run()
            outcome = self._run_outcome()
        self.env.invalidate_all()
        return outcome

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_off_by_default_the_run_works_in_process(self):
        with self.trap_jobs() as trap:
            log = self._run()
        trap.assert_jobs_count(0)
        self.assertEqual(log.state, "done")
        self.assertEqual(log.cases_opened, len(DAYS_PAST_DUE))

    def test_one_job_per_batch_then_the_closing_job(self):
        self._enable()
        with self.trap_jobs() as trap:
            log = self._run()
            batches = math.ceil(log.customer_count / 2)
            self.assertGreaterEqual(batches, 3)
            trap.assert_jobs_count(batches, only=log._job_work_batch)
            trap.assert_jobs_count(1, only=log._job_finish_run)
            # nothing is worked before the jobs run; the log says the run goes on
            self.assertEqual(log.state, "running")
            self.assertFalse(log.finished)
            self.assertEqual(log.cases_opened, 0)
            self.assertEqual(log.job_batch_count, batches)
            finish = next(j for j in trap.enqueued_jobs if j.method_name == "_job_finish_run")
            self.assertEqual(finish.depends_on, set(self._batch_jobs(trap)))
            self.assertEqual(finish.channel, "root.collections")
            # every customer is in exactly one batch
            keys = [tuple(key) for job in self._batch_jobs(trap) for key in job.args[0]]
            self.assertEqual(len(keys), len(set(keys)))
            self.assertEqual(len(keys), log.customer_count)
            self._perform_trapped(trap)
        self.assertEqual(log.state, "done")
        self.assertTrue(log.finished)

    def test_a_customer_s_devices_are_in_one_batch(self):
        """Batches of two: the five customers, then one with two devices that a
        cut every two cases would share between two jobs working it at once."""
        household = self.env["res.partner"].create({"name": "Queue two purifiers"})
        due = RUN_DAY - timedelta(days=3)
        with freeze_time(due):
            for serial in ("PUR-000901", "PUR-000902"):
                self._create_invoice(household, due, 600.0).purifier_id = serial
        self._enable()
        with self.trap_jobs() as trap:
            log = self._run()
        jobs_of = {}
        for job in self._batch_jobs(trap):
            for _company, partner, _device in job.args[0]:
                jobs_of.setdefault(partner, set()).add(job.uuid)
        self.assertEqual(len(jobs_of[household.id]), 1)
        self.assertTrue(all(len(jobs) == 1 for jobs in jobs_of.values()))
        self.assertEqual(sum(len(job.args[0]) for job in self._batch_jobs(trap)), 7)
        self.assertEqual(log.job_batch_count, 4)

    def test_jobs_open_the_same_cases_and_reminders_as_the_in_process_run(self):
        expected = self._in_process_outcome()
        self.assertEqual(len(expected["cases"]), len(DAYS_PAST_DUE))
        self.assertTrue(expected["log"]["reminders_queued"])
        self._enable()
        with self.trap_jobs() as trap:
            self._run()
            self.assertFalse(self._run_outcome()["cases"])
            self._perform_trapped(trap)
        self.assertEqual(self._run_outcome(), expected)

    def test_batch_jobs_take_their_cases_agents_as_jobs(self):
        """The batch's records carry the job's context down to the teams, which
        then take agents in a transaction of their own (see
        test_agents_in_parallel_jobs)."""
        Team = type(self.env["helpdesk.ticket.team"])
        assign = Team._collection_assign_agents
        seen = []

        def spy(team, count):
            seen.append(bool(team.env.context.get(JOB_COMMITS)))
            return assign(team, count)

        self._enable()
        with self.trap_jobs() as trap, patch.object(Team, "_collection_assign_agents", spy):
            self._run()
            self._perform_trapped(trap)
        self.assertTrue(seen)
        self.assertEqual(set(seen), {True})

    def test_the_closing_steps_run_after_every_batch(self):
        """A step added after the batches (as collections_art adds its legal
        notices) runs once, in the last job, once every customer is worked."""
        seen = []

        def step_after(run, today, log):
            cases = run.env["helpdesk.ticket"].search_count(
                [("collection_case", "=", True), ("partner_id", "in", self.customers.ids)]
            )
            seen.append((today, cases, log.state))

        RunClass = type(self.Run)
        steps = RunClass._run_steps
        self._enable()
        with (
            patch.object(RunClass, "_step_test_after", step_after, create=True),
            patch.object(RunClass, "_run_steps", lambda run: steps(run) + ["_step_test_after"]),
            self.trap_jobs() as trap,
        ):
            self._run()
            self.assertEqual(seen, [])
            self._perform_trapped(trap)
        self.assertEqual(seen, [(RUN_DAY, len(DAYS_PAST_DUE), "running")])

    def test_rerun_the_same_day_does_not_enqueue_pending_batches_again(self):
        self._enable()
        counter = self.job_counter()
        first = self._run()
        batch_jobs = counter.search_created().filtered(
            lambda job: job.method_name == "_job_work_batch"
        )
        self.assertEqual(len(batch_jobs), first.job_batch_count)
        self.assertGreaterEqual(len(batch_jobs), 3)
        self.assertEqual(set(batch_jobs.mapped("state")), {"pending"})
        self.assertEqual(first.job_pending_count, len(batch_jobs) + 1)

        counter = self.job_counter()
        second = self._run()
        created = counter.search_created()
        self.assertFalse(created.filtered(lambda job: job.method_name == "_job_work_batch"))
        self.assertEqual(second.job_batch_count, 0)
        self.assertEqual(second.job_batch_skipped, len(batch_jobs))
        # the second run still closes its own log once its closing job has run
        self.assertEqual(created.mapped("method_name"), ["_job_finish_run"])

        # a customer overdue since: its batch is new, the waiting ones are not redone;
        # a waiting customer's new device waits with it (never two jobs on one customer)
        newcomer = self.env["res.partner"].create({"name": "Queue newcomer"})
        waiting_customer = self.env["res.partner"].browse(batch_jobs[0].args[0][0][1])
        with freeze_time(RUN_DAY - timedelta(days=2)):
            self._create_invoice(newcomer, RUN_DAY - timedelta(days=2), 400.0)
            device = self._create_invoice(waiting_customer, RUN_DAY - timedelta(days=2), 300.0)
        device.purifier_id = "PUR-QUEUE-NEW"
        counter = self.job_counter()
        third = self._run()
        created = counter.search_created().filtered(
            lambda job: job.method_name == "_job_work_batch"
        )
        self.assertEqual(third.job_batch_count, 1)
        self.assertEqual(
            [tuple(key) for key in created.args[0]],
            [(self.env.company.id, newcomer.id, False)],
        )

        # once the first run's batches have run, the next run works them again
        loaded = [Job.load(self.env, job.uuid) for job in batch_jobs]
        self._perform(loaded)
        for job in loaded:
            job.set_done()
            job.store()
        fourth = self._run()
        # (the newcomer's job still waits: it keeps its customer); the customers
        # the batches worked have nothing left to decide today: moved on in bulk,
        # in the run itself, no job (issue 13)
        # the waiting customer's new device has no case yet: its customer is
        # worked in a batch job now
        self.assertEqual((fourth.job_batch_count, fourth.job_batch_skipped), (1, 1))
        worked = sum(len(job.args[0]) for job in batch_jobs)
        self.assertEqual(fourth.customers_quiet, worked - 1)
        self.assertEqual(fourth.customer_count, worked + 2)

    def test_a_batch_performed_twice_never_sends_a_reminder_twice(self):
        self._enable()
        with self.trap_jobs() as trap:
            log = self._run()
            jobs = self._batch_jobs(trap)
            self._perform(jobs)
        reminders = self.env["collection.reminder"].search(
            [("ticket_id.partner_id", "in", self.customers.ids)]
        )
        self.assertTrue(reminders)
        mails, sms = self._mails(reminders.ticket_id), self._sms()
        counts = self._run_outcome()["log"]

        # the same jobs again, and the same batches from another run's log
        other = self.Log._start(RUN_DAY)
        self._perform(jobs + [Job(other._job_work_batch, args=job.args) for job in jobs])

        after = self.env["collection.reminder"].search(
            [("ticket_id.partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(after, reminders)
        self.assertEqual(self._mails(reminders.ticket_id), mails)
        self.assertEqual(self._sms(), sms)
        log.invalidate_recordset()
        self.assertEqual({name: log[name] for name in counts}, counts)
        self.assertEqual((other.cases_opened, other.reminders_queued), (0, 0))

    def test_a_database_conflict_retries_the_job_later(self):
        self._enable()
        with self.trap_jobs() as trap:
            log = self._run()
            job = self._batch_jobs(trap)[0]
            with (
                patch.object(
                    type(self.Run),
                    "_run_batch",
                    side_effect=psycopg2.OperationalError("could not obtain lock"),
                ),
                self.assertRaises(RetryableJobError),
            ):
                self._perform([job])
        # queue_job postpones it by the job function's retry pattern: a minute first
        self.assertEqual(job._get_retry_seconds(), 60)
        self.assertEqual(log.state, "running")

    def test_a_job_failed_for_good_says_so_on_the_log(self):
        self._enable()
        with self.trap_jobs():
            log = self._run()
        log._job_failed(exc_name="ValueError", exc_message="Bad batch data")
        self.assertEqual((log.state, log.failure), ("failed", "Bad batch data"))
