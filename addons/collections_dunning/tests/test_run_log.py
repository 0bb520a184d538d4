import time
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


@tagged("post_install", "-at_install")
class TestRunLog(CollectionsCommon):
    """Each run leaves a log a manager can read, and one customer's bad data is
    skipped with its reason while every other customer is worked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.collection_purifier_pattern = r"PUR-[0-9]{6}"
        cls.good = cls.customer
        cls.good.write({"phone": "080 4000 1234", "country_id": cls.env.ref("base.in").id})
        cls.bad = cls.env["res.partner"].create(
            {"name": "Household 9, Typo Lane", "email": "h9@example.com"}
        )
        with freeze_time(DUE):
            cls.good_invoice = cls._create_invoice(cls.good, DUE, 900.0)
            cls.good_invoice.purifier_id = "  PUR-000007 "
            cls.bad_invoice = cls._create_invoice(cls.bad, DUE, 700.0)
            # a serial the company's pattern refuses: no case can carry it
            cls.bad_invoice.purifier_id = "PUR-9"

    def _run(self, n):
        with freeze_time(f"{DUE + timedelta(days=n)} 10:00:00"):
            self.env["collection.policy"]._cron_run()
        return self.env["collection.run.log"].search([], limit=1)

    def _cases(self, partner):
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", partner.id)]
        )

    def test_invoice_serials_are_stored_without_blanks(self):
        self.assertEqual(self.good_invoice.purifier_id, "PUR-000007")
        self.good_invoice.write({"purifier_id": "   "})
        self.assertFalse(self.good_invoice.purifier_id)

    def test_bad_customer_is_skipped_and_named_the_others_are_worked(self):
        log = self._run(2)
        self.assertEqual(log.date, DUE + timedelta(days=2))
        self.assertEqual(log.state, "done")
        self.assertTrue(log.finished)
        good_case = self._cases(self.good)
        self.assertEqual(len(good_case), 1, "the good customer's case is opened")
        self.assertEqual(good_case.purifier_id, "PUR-000007")
        self.assertTrue(good_case.collection_reminder_ids, "and reminded")
        self.assertFalse(self._cases(self.bad))
        self.assertEqual(log.customer_count, 2)
        self.assertEqual(log.cases_opened, 1)
        reminders = good_case.collection_reminder_ids
        self.assertEqual(log.reminders_queued, len(reminders))
        # what went out during the run; emails and SMS wait in Odoo's queues
        self.assertEqual(log.reminders_sent, len(reminders.filtered(lambda r: r.state == "sent")))
        self.assertEqual(
            set(reminders.filtered(lambda r: r.channel in ("email", "sms")).mapped("state")),
            {"sending"},
        )
        self.assertEqual(log.error_ids.partner_id, self.bad)
        self.assertIn("PUR-9", log.error_ids.message)
        self.assertEqual(log.error_count, 1)

        # The next day: the good case is not closed and reopened, the bad
        # customer is named again until someone fixes the serial.
        log = self._run(3)
        self.assertEqual(self._cases(self.good), good_case)
        self.assertFalse(good_case.stage_id.closed)
        self.assertEqual(log.cases_opened, 0)
        self.assertEqual(log.error_ids.partner_id, self.bad)

        self.bad_invoice.purifier_id = "PUR-000009"
        log = self._run(4)
        self.assertFalse(log.error_ids)
        self.assertEqual(self._cases(self.bad).purifier_id, "PUR-000009")
        self.assertEqual(log.cases_opened, 1)

    def test_paid_customer_counts_as_closed(self):
        self._run(2)
        self._pay(self.good_invoice, date=DUE + timedelta(days=3))
        log = self._run(3)
        self.assertEqual(log.cases_closed, 1)
        self.assertTrue(self._cases(self.good).stage_id.closed)

    def test_a_stopped_run_reads_failed(self):
        log = self.env["collection.run.log"]._start(DUE)
        self.assertEqual(log.state, "running")
        # the cron commits the log as the run starts; the failure is written in
        # a cursor of its own (here: the test's, as the registry hands it out)
        with self.enter_registry_test_mode():
            log._mark_failed(ValueError("database went away"))
        self.assertEqual(log.state, "failed")
        self.assertIn("database went away", log.failure)

    def test_managers_read_the_log_agents_do_not(self):
        log = self._run(2)
        self.assertTrue(log.with_user(self.manager).has_access("read"))
        self.assertFalse(log.with_user(self.agent_1).has_access("read"))

    def test_every_step_of_the_run_is_a_method(self):
        """Add-ons extend the run by naming their steps: each name is a method."""
        Run = self.env["collection.run"]
        steps = Run._run_steps() + Run._batch_steps()
        self.assertEqual(len(steps), len(set(steps)))
        for step in steps:
            self.assertTrue(callable(getattr(Run, step, None)), step)


@tagged("post_install", "-at_install")
class TestRunCheckpoint(CollectionsCommon):
    """In the cron, a batch's checkpoint counts its customers on the cron's
    progress and commits; a reminder's claim only commits (issue 13: its progress
    is the same, so it is neither read nor written again), and both say the cron's time left."""

    def _run_in_cron(self, seconds_left):
        cron = self.env.ref("collections_dunning.ir_cron_collection_run")
        _cron, progress = cron._add_progress()
        progress.write({"remaining": 10, "done": 0})
        run = self.env["collection.run"].with_context(
            ir_cron_progress_id=progress.id,
            cron_id=cron.id,
            cron_end_time=time.monotonic() + seconds_left,
        )
        return run, progress

    def test_claim_commits_without_reading_progress_and_batch_counts(self):
        run, progress = self._run_in_cron(600)
        commits = []
        with patch.object(self.env.cr, "commit", lambda: commits.append(1)):
            self.env.invalidate_all()  # as after the previous commit
            with self.assertQueryCount(0):  # the commit only, the progress not read nor written
                claim_left = run._checkpoint()
            self.assertEqual(len(commits), 1, "the claim is saved before the gateway call")
            self.assertEqual((progress.done, progress.remaining), (0, 10))
            batch_left = run._checkpoint(4)
            self.assertEqual(len(commits), 2)
        self.assertEqual((progress.done, progress.remaining), (4, 6))
        self.assertTrue(0 < claim_left <= 600)
        self.assertTrue(0 < batch_left <= 600)

    def test_time_left_is_zero_once_the_cron_is_out_of_time(self):
        run, _progress = self._run_in_cron(-5)
        with patch.object(self.env.cr, "commit", lambda: None):
            self.assertEqual(run._checkpoint(), 0)
            self.assertEqual(run._checkpoint(1), 0)

    def test_outside_the_cron_nothing_is_committed(self):
        commits = []
        with patch.object(self.env.cr, "commit", lambda: commits.append(1)):
            self.assertEqual(self.env["collection.run"]._checkpoint(3), float("inf"))
        self.assertEqual(commits, [])
