import hashlib
import json
import logging

import psycopg2
import psycopg2.errors

from odoo import api, models
from odoo.tools import split_every, str2bool

from odoo.addons.collections_dunning.engine import overdue
from odoo.addons.collections_dunning.engine.batch import RunBatch
from odoo.addons.queue_job.delay import chain, group
from odoo.addons.queue_job.exception import RetryableJobError

from ..job_counts import JobCounts

_logger = logging.getLogger(__name__)

# ir.config_parameter that turns the jobs on ("True"); off, the run works in-process.
ENABLED_PARAM = "collections_queue_job.enabled"
CHANNEL = "root.collections"
# queue.job states of a job that has not run to its end yet
UNFINISHED_STATES = ("wait_dependencies", "pending", "enqueued", "started")
# context key: this run works a batch inside a queue job that may commit
JOB_COMMITS = "collections_queue_job_commits"
# tries to add a job's counts to the log while other jobs add theirs
COUNT_ATTEMPTS = 10


class CollectionRun(models.AbstractModel):
    """The daily run on OCA queue_job, when the system parameter
    ``collections_queue_job.enabled`` is set: the run's first steps run in the
    cron as before, then ``_step_work_batches`` enqueues one job per batch of
    customers instead of working them, and one last job, run once every batch
    job is done, runs the steps that follow and closes the run's log. Any number
    of Odoo workers take the batch jobs at the same time.

    A batch job reads again what its customers owe and which cases they have
    (the run's state may have moved since the batch was enqueued) and goes
    through the same ``_batch_steps()``; like the in-process run it is computed
    from the current state, so running a batch twice does nothing twice, and
    reminders go out through the same claim (``FOR UPDATE SKIP LOCKED``,
    committed before the gateway call), so two jobs never send one twice.
    """

    _inherit = "collection.run"

    @api.model
    def _run(self, today):
        """With the jobs on, the run stops after enqueuing the batches: its log
        stays *Running* until the last job has run the remaining steps."""
        if not self._queue_enabled():
            return super()._run(today)
        log = self.env["collection.run.log"]._start(today)
        steps = self._run_steps()
        try:
            for step in steps[: steps.index("_step_work_batches") + 1]:
                getattr(self, step)(today, log)
        except Exception as error:
            log._mark_failed(error)
            raise
        return True

    def _step_work_batches(self, today, log):
        """With the jobs on: one job per batch of customers, then the last job."""
        if not self._queue_enabled():
            return super()._step_work_batches(today, log)
        # customers still in a waiting job of an earlier run today are left to it,
        # every device of theirs (a device overdue since waits for the next run):
        # two jobs never work one customer at the same time
        waiting_jobs, waiting = self._queue_waiting(today)
        waiting_customers = {(key[0], key[1]) for key in waiting}
        todo = []
        for chunk in split_every(self._customer_chunk, self._run_customer_ids(today)):
            groups, open_cases, keys = self._run_customers(today, log, chunk)
            keys = [key for key in keys if (key[0], key[1]) not in waiting_customers]
            keys, _in_time = self._move_on_quiet_keys(keys, groups, open_cases, today, log)
            todo += keys
        # a customer's cases (one per device) go to one job: two jobs working one
        # customer at the same time would conflict on its row
        batches = list(self._customer_batches(todo))
        self._queue_batches(log, batches, len(waiting_jobs))

    # ------------------------------------------------------------------
    # Enqueuing
    # ------------------------------------------------------------------

    def _queue_enabled(self):
        """Whether the daily run works its batches as queue jobs (a system
        parameter, off unless set: installing the add-on changes nothing)."""
        value = self.env["ir.config_parameter"].sudo().get_param(ENABLED_PARAM, "False")
        return str2bool(value, default=False)

    @api.model
    def _queue_batch_identity(self, today, keys):
        """Rule (exactly once): one job per run day and batch of customers while
        it has not run (queue_job's ``identity_key``), so the same batch is never
        enqueued twice; once it has run, a rerun may work it again (the work is
        idempotent). Without ``keys``, the prefix of the day's batch jobs."""
        prefix = f"collection-run-{today}-"
        if keys is None:
            return prefix
        return prefix + hashlib.sha1(json.dumps(keys).encode(), usedforsecurity=False).hexdigest()

    def _queue_waiting(self, today):
        """Rule (exactly once): a customer is in one waiting job at a time. The
        day's batch jobs that have not run to their end, and their customers: a
        rerun the same day leaves these customers to them, so two jobs never work
        the same customer at the same time, even when the batches came out cut
        differently (a new overdue customer shifts them)."""
        jobs = (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("identity_key", "=like", self._queue_batch_identity(today, None) + "%"),
                    ("state", "in", UNFINISHED_STATES),
                ]
            )
        )
        keys = {(key[0], key[1], key[2] or False) for job in jobs for key in job.args[0]}
        return jobs, keys

    def _queue_batches(self, log, batches, waiting_count=0):
        """Enqueue one job per batch and the last job, which queue_job starts
        once all of them are done; ``waiting_count`` batch jobs of an earlier run
        of the day still hold some of the customers."""
        jobs = [
            log.delayable(
                channel=CHANNEL,
                identity_key=self._queue_batch_identity(log.date, keys),
                description=self.env._(
                    "Collection run of %(day)s: batch %(number)s of %(total)s",
                    day=log.date,
                    number=number,
                    total=len(batches),
                ),
            )._job_work_batch(keys)
            for number, keys in enumerate(batches, start=1)
        ]
        finish = log.delayable(
            channel=CHANNEL,
            description=self.env._("Collection run of %s: closing steps", log.date),
        )._job_finish_run()
        if jobs:
            chain(group(*jobs), finish).delay()
        else:
            finish.delay()
        log.write(
            {
                "job_batch_count": len(jobs),
                "job_batch_skipped": waiting_count,
                "job_graph_uuid": finish._generated_job.graph_uuid or False,
            }
        )

    # ------------------------------------------------------------------
    # The jobs' work
    # ------------------------------------------------------------------

    def _queue_work_batch(self, log, keys):
        """One batch as a job: what its customers owe and their open cases are
        read again, restricted to them; the batch runs as in-process (savepoint,
        customer by customer on failure), is saved, then its reminders are sent.
        A database conflict is retried later, by queue_job's retry pattern."""
        keys = [(key[0], key[1], key[2] or False) for key in keys]
        wanted, partner_ids = set(keys), {key[1] for key in keys}
        # every record of the batch carries the context, down to the teams that
        # give its cases their agents
        run = self.with_context(**{JOB_COMMITS: True})
        groups = overdue.overdue_groups(run.env, log.date, partner_ids)
        open_cases = overdue.open_cases(run._tickets(), partner_ids)
        counts = JobCounts(log)
        batch = RunBatch(
            keys=keys,
            groups={key: value for key, value in groups.items() if key in wanted},
            cases={key: value for key, value in open_cases.items() if key in wanted},
            today=log.date,
            log=counts,
        )
        try:
            queued = run._run_batch(batch)
            run._checkpoint(len(keys))
            run._send_reminders(queued, counts)
            run._checkpoint()
        except psycopg2.OperationalError as error:
            raise RetryableJobError(str(error)) from error
        run._queue_add_counts(log, counts.counts)

    def _queue_add_counts(self, log, counts):
        """Add a saved batch's counts to the run log, in a short transaction of
        their own: when another job's count came first (a serialization failure),
        try again at once on a fresh snapshot; the row is held only for one
        UPDATE, so a few tries are enough. Still failing, the job is retried
        later (it then finds its batch done and counts nothing twice)."""
        for _attempt in range(COUNT_ATTEMPTS):
            try:
                log._add(**counts)
                self._checkpoint()
                return
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
                self.env.cr.rollback()
        raise RetryableJobError(self.env._("The run log stayed busy: counts not added yet."))

    def _queue_finish_run(self, log):
        """The last job: the run's steps after the batches, then the log is done."""
        steps = self._run_steps()
        try:
            for step in steps[steps.index("_step_work_batches") + 1 :]:
                getattr(self, step)(log.date, log)
        except Exception as error:
            log._mark_failed(error)
            raise
        log._finish()

    def _checkpoint(self, processed=0):
        """In a batch job, save the work done, as the cron does between batches:
        the claim of a reminder is saved before its gateway call. queue_job lets
        these jobs commit (*Allow Commit* on their job function: they run on a
        cursor of their own, apart from the job's lock)."""
        if self.env.context.get(JOB_COMMITS):
            # The job function allows commits: the reminder's claim must be saved
            # before the gateway is called, for exactly-once sending.
            self.env.cr.commit()  # pylint: disable=invalid-commit
            return float("inf")
        return super()._checkpoint(processed)
