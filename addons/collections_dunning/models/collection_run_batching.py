import logging
import time

import psycopg2

from odoo import models
from odoo.tools import split_every

from ..engine import overdue
from ..engine.batch import RunBatch

_logger = logging.getLogger(__name__)

BATCH_SIZE = 500
CUSTOMER_CHUNK = 5000


class CollectionRunBatching(models.AbstractModel):
    """How the daily run works its customers: in batches of ``_batch_size`` (``BATCH_SIZE``), each
    in a savepoint, committed in the cron after each batch (so a crash resumes
    where it stopped), a failing batch retried customer by customer so one bad
    record never stops the run for the others, and the batch's reminders sent
    only once it is saved. What a batch does is ``collection.run._batch_steps()``.
    """

    _name = "collection.run.batching"
    _description = "Collection Daily Run Batches"

    # Customers per batch, and per chunk the run reads at a time; class
    # attributes so an add-on or a test may change them.
    _batch_size = BATCH_SIZE
    _customer_chunk = CUSTOMER_CHUNK

    def _step_work_batches(self, today, log):
        """Every customer with something overdue or an open case, a chunk of
        ``_customer_chunk`` customers at a time (the run holds one chunk, not the
        whole book: its memory does not grow with the number of customers):
        those with nothing to decide today moved on in bulk
        (``collection.run.quiet``), the others in batches."""
        customer_ids = self._run_customer_ids(today)
        _logger.info("Collection run of %s: %s customers to look at", today, len(customer_ids))
        if self._in_cron():
            self.env["ir.cron"]._commit_progress(remaining=len(customer_ids))
        for chunk in split_every(self._customer_chunk, customer_ids):
            groups, open_cases, keys = self._run_customers(today, log, chunk)
            keys, in_time = self._move_on_quiet_keys(keys, groups, open_cases, today, log)
            if not in_time:
                return
            for keys_batch in self._customer_batches(keys):
                batch = self._batch(keys_batch, groups, open_cases, today, log)
                self._send_reminders(self._run_batch(batch), log)
                if self._checkpoint(len({key[1] for key in keys_batch})) <= 0:
                    return
                self._release_batch()

    def _run_customer_ids(self, today):
        """The customers (commercial partner ids, sorted) with something overdue
        or an open collection case, in two grouped queries."""
        overdue_rows = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                self.env["account.move"]._collection_overdue_domain(today),
                ["commercial_partner_id"],
            )
        )
        case_rows = self._tickets()._read_group(
            [("collection_case", "=", True), ("stage_id.closed", "=", False)], ["partner_id"]
        )
        return sorted(
            {partner.id for (partner,) in overdue_rows} | {partner.id for (partner,) in case_rows}
        )

    def _run_customers(self, today, log, partner_ids=None):
        """What is overdue (``overdue.overdue_groups``), the open cases, and the
        keys (company, customer, device) of every customer with either, sorted
        and counted on the run log; with ``partner_ids``, of those customers only."""
        groups = overdue.overdue_groups(self.env, today, partner_ids)
        open_cases = overdue.open_cases(self._tickets(), partner_ids)
        keys = sorted(set(groups) | set(open_cases), key=lambda key: (key[0], key[1], key[2] or ""))
        log._add(customer_count=len(keys))
        return groups, open_cases, keys

    def _customer_batches(self, keys):
        """``keys`` in batches of about ``_batch_size``, never cutting a customer:
        its cases (one per device) go through the steps together, since a batch
        writes the customer (bureau status: the largest days past due of its
        cases; flags) and two batches, or two queue jobs, working one customer
        would each see part of it."""
        by_customer = {}
        for key in keys:
            by_customer.setdefault((key[0], key[1]), []).append(key)
        batch = []
        for customer_keys in by_customer.values():
            if batch and len(batch) + len(customer_keys) > self._batch_size:
                yield batch
                batch = []
            batch += customer_keys
        if batch:
            yield batch

    def _batch(self, keys, groups, open_cases, today, log):
        """The batch of ``keys``: their overdue groups and open cases, the cases
        and customers prefetched together with the batch's only. Read from the
        chunk as they are, the first field a step reads after a commit (which
        empties the ORM cache) would be read for the whole chunk, every batch."""
        groups = {key: groups[key] for key in keys if key in groups}
        cases = {key: open_cases[key] for key in keys if key in open_cases}
        case_ids = [case.id for case in cases.values()]
        partner_ids = {group["partner"].id for group in groups.values()}
        return RunBatch(
            keys=keys,
            groups={
                key: {**group, "partner": group["partner"].with_prefetch(partner_ids)}
                for key, group in groups.items()
            },
            cases={key: case.with_prefetch(case_ids) for key, case in cases.items()},
            today=today,
            log=log,
        )

    def _run_batch(self, batch):
        """One customer's bad data never stops the run for the others.

        The batch runs in a savepoint; if it fails, its customers run again one
        by one, each in its own savepoint, and those that still fail are skipped
        with the reason on the run log. Database conflicts (a lock, a concurrent
        update) are not a customer's fault: they stop the run, which the cron
        retries from where it committed.
        """
        try:
            with self.env.cr.savepoint():
                return self._process_batch(batch)
        except psycopg2.OperationalError:
            raise
        except Exception:
            _logger.warning(
                "Collection run of %s: a batch failed, retrying its customers one by one",
                batch.today,
                exc_info=True,
            )
        queued = self.env["collection.reminder"].sudo()
        for key in batch.keys:
            single = RunBatch(
                keys=[key], groups=batch.groups, cases=batch.cases, today=batch.today, log=batch.log
            )
            try:
                with self.env.cr.savepoint():
                    queued |= self._process_batch(single)
            except psycopg2.OperationalError:
                raise
            except Exception as error:  # noqa: BLE001 - skipped with its reason
                company_id, partner_id = key[0], key[1]
                batch.log._record_error(
                    self.env["res.partner"].browse(partner_id),
                    self.env["res.company"].browse(company_id),
                    error,
                )
        return queued

    def _process_batch(self, batch):
        """Every step of the run for one batch of customers; returns the
        reminders to send once the batch is saved."""
        for step in self._batch_steps():
            getattr(self, step)(batch)
        return batch.queued

    def _send_reminders(self, queued, log):
        """Send a saved batch's queued reminders and count what became of them."""
        if not queued:
            return
        queued._send_within_rules()
        states = [reminder.state for reminder in queued]
        log._add(reminders_sent=states.count("sent"), reminders_failed=states.count("failed"))

    def _in_cron(self):
        return bool(self.env.context.get("ir_cron_progress_id"))

    def _release_batch(self):
        """In the cron, once a batch is committed, drop what the ORM cached of it:
        the next batches read their own records, so the run's memory stays that
        of one batch whatever the number of customers (issue 13)."""
        if self._in_cron():
            self.env.invalidate_all()

    def _checkpoint(self, processed=0):
        """Commit progress in the cron (so a crash resumes here); else do nothing.
        Returns the cron's time left. With nothing processed (a reminder's claim,
        saved before its gateway call) only the commit: the cron's progress is
        the same, so it is neither read (a query per message, the commit having
        emptied the cache) nor written again."""
        if not self._in_cron():
            return float("inf")
        if processed:
            return self.env["ir.cron"]._commit_progress(processed)
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return max(self.env.context.get("cron_end_time", float("inf")) - time.monotonic(), 0)
