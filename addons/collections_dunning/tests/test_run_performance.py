from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


@tagged("post_install", "-at_install")
class TestRunPerformance(CollectionsCommon):
    """The daily run costs the same number of queries for 3 or 12 customers:
    no query is made per invoice, per case or per reminder."""

    def _run(self, on_date):
        with freeze_time(f"{on_date} 10:00:00"):
            self.env["collection.policy"]._cron_run()

    def _measure(self, count):
        self._overdue_households(count, [DUE, DUE + timedelta(days=5)])
        # First run: opens a case per customer in L2 (7 days past due) with the
        # agent follow-up; second run: the day 15 SMS, email and WhatsApp.
        with self.assertQueryCount(__system__=self.OPEN_QUERIES):
            self._run(DUE + timedelta(days=7))
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=self.DAILY_QUERIES):
            self._run(DUE + timedelta(days=15))
        cases = self.env["helpdesk.ticket"].search([("collection_case", "=", True)])
        self.assertEqual(len(cases), count)
        self.assertEqual(set(cases.mapped("collection_dpd")), {15})
        reminders = cases.collection_reminder_ids
        self.assertEqual(len(reminders), 4 * count)
        self._flush_outboxes()
        states = {(reminder.channel, reminder.state) for reminder in reminders}
        # WhatsApp has no gateway as shipped: an agent sends it by hand
        expected = {("activity", "sent"), ("sms", "sent"), ("email", "sent")}
        self.assertEqual(states, expected | {("whatsapp", "manual")})
        # Day 16: nothing to decide for anyone (next step on day 30): every
        # customer is moved on in bulk, in the same statements for 3 or 12.
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=self.QUIET_QUERIES):
            self._run(DUE + timedelta(days=16))
        log = self.env["collection.run.log"].search([], order="id desc", limit=1)
        self.assertEqual(log.customers_quiet, count)
        self.assertEqual(set(cases.mapped("collection_dpd")), {16})

    # The run log, a savepoint per batch, flags per company, the claim of each
    # channel's reminders and the agents' to-dos: a fixed cost per batch. (The
    # daily run was pinned at 108: the bulk updates of the reminders and of the
    # log no longer drop their whole model's cache, only the fields they write,
    # so the reminders' states are not read again.)
    # Issue 12 adds a fixed cost: the run's expiry search of ended exceptions,
    # one read of the batch's running exceptions for the level moves, one for the
    # reminders logged and one when they are sent (approved exceptions), one
    # grouped query per batch with open cases (which customers are in a
    # settlement), and one UPDATE per batch and company of the customers' credit
    # bureau statuses (measured on the merged issue-12 steps: 112 on the daily
    # run, the same for 3 and 12 customers).
    # Service issue first (solar policy) adds one read per run: the service issue
    # categories of the batch's policies, before the reminders are logged (none
    # are named here, so no service ticket is searched; with some, one search
    # per batch). The downpayment gate costs nothing here: whether a downpayment
    # is overdue comes with the overdue groups' query, and the one query for paid
    # downpayments runs only for a batch with customers waiting on the gate.
    # Issue 13 adds to every run the settings revision (read when the log is
    # made, and the previous log's), and to a run with open cases the reads that
    # find the customers with nothing to decide (their cases' rows, queued
    # reminders, promises and plans, running exceptions, settlements, service
    # issues, ownership rules and hand-over levels, the customers' policies):
    # a fixed cost per run, whatever the number of customers (on day 15 every
    # case has a step due, so none is quiet); and two grouped queries for the
    # customers to look at, which the run then reads a chunk at a time. Which
    # cases wait (promise, plan, settlement, exception) is asked of the cases' own
    # rule, ``_collection_reminders_paused`` (its four reads and the customers).
    # The cases' rows are three flat reads (columns, overdue invoices, the
    # customers' tags) instead of one with a sub-select per case.
    OPEN_QUERIES = 109
    DAILY_QUERIES = 130
    QUIET_QUERIES = 60

    def test_query_count_3_customers(self):
        self._measure(3)

    def test_query_count_12_customers(self):
        self._measure(12)
