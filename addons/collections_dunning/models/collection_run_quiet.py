import logging

import psycopg2

from odoo import models

from .. import bulk_sql
from ..engine import bureau, penal, quiet

_logger = logging.getLogger(__name__)

# Cases moved on per statement (and per commit in the cron).
QUIET_CHUNK = 5000


class CollectionRunQuiet(models.AbstractModel):
    """Rule (issue 13, a steady-state day): a customer with nothing to decide
    today (``engine/quiet.py`` says which) is not worked case by case. Its
    cases' days past due, penal accrual, bureau status, flags and the day's
    snapshot move on in bulk statements, the same rules applied to rows read in
    one query; every other customer goes through the batch steps.

    Every customer goes through the batch steps when the settings changed since
    the previous run (``collection.run.log._settings_unchanged``) or when the
    run is called with ``collection_run_full`` in its context.
    """

    _name = "collection.run.quiet"
    _description = "Collection Daily Run: Customers Moved On in Bulk"

    _quiet_chunk = QUIET_CHUNK

    def _move_on_quiet_keys(self, keys, groups, open_cases, today, log):
        """Move the quiet customers on in bulk; returns the keys left to the
        batch steps and whether the cron's time is left."""
        rows = self._quiet_customers(keys, groups, open_cases, today, log)
        if not rows:
            return keys, True
        _logger.info("Collection run of %s: %s cases moved on in bulk", today, len(rows))
        failed, in_time = self._move_on_quiet_customers(rows, groups, today, log)
        failed = set(failed)
        return [key for key in keys if key not in rows or key in failed], in_time

    def _quiet_customers(self, keys, groups, cases, today, log):
        """{key: quiet.CaseRow} of the customers among ``keys`` moved on in bulk."""
        if self.env.context.get("collection_run_full") or not log._settings_unchanged():
            return {}
        return quiet.quiet_keys(self.env, keys, groups, cases, today)

    def _move_on_quiet_customers(self, rows, groups, today, log):
        """Move the quiet customers' cases on, ``_quiet_chunk`` cases at a time,
        each chunk saved in the cron. A chunk that fails is not lost: its keys
        are returned, for the batch steps to work them customer by customer.
        Returns (keys left to the batch steps, whether the cron's time is left)."""
        left = []
        for chunk in self._quiet_chunks(rows):
            try:
                with self.env.cr.savepoint():
                    self._move_on_rows(chunk, groups, today)
            except psycopg2.OperationalError:
                raise
            except Exception:
                _logger.warning(
                    "Collection run of %s: moving %s quiet cases on failed; the batch steps "
                    "work them",
                    today,
                    len(chunk),
                    exc_info=True,
                )
                left.extend(row.key for row in chunk)
                continue
            log._add(customers_quiet=len({(row.key[0], row.key[1]) for row in chunk}))
            if self._checkpoint(len({row.key[1] for row in chunk})) <= 0:
                return left, False
            self._release_batch()
        return left, True

    def _quiet_chunks(self, rows):
        """The rows in chunks of about ``_quiet_chunk`` cases, a customer's cases
        (one per device) always in the same chunk: its bureau status is the
        largest days past due of them all."""
        by_customer = {}
        for row in rows.values():
            by_customer.setdefault((row.key[0], row.key[1]), []).append(row)
        chunk = []
        for customer_rows in by_customer.values():
            chunk.extend(customer_rows)
            if len(chunk) >= self._quiet_chunk:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _move_on_rows(self, rows, groups, today):
        """One chunk of quiet cases: days past due, penal accrual, bureau status,
        flags and snapshot, in a few statements."""
        Ticket = self._tickets()
        for row in rows:
            row.collection_dpd = groups[row.key]["dpd"]
        days = {row.id: {"collection_dpd": row.collection_dpd} for row in rows}
        bulk_sql.update_rows(Ticket, days)
        bulk_sql.update_rows(Ticket, penal.accrual_values(rows, Ticket.browse(), today))
        Partner = self.env["res.partner"].sudo()
        for company, partner_dpd in bureau.customer_days(rows).items():
            Partner._collection_update_bureau_status(partner_dpd, company, today)
            flags = Partner.browse(partner_dpd)._collection_may_change_flags(company)
            flags._collection_update_flags(company)
        self.env["collection.snapshot"]._record(Ticket.browse([row.id for row in rows]), today)
