"""The daily run as the benchmark drives it, in-process or on queue_job: the
cron's call, Odoo's mail and SMS queues, the next day's inputs and what a run
did, shared by ``bench_daily_run.py`` and ``jobs_bench.py``."""

import random
import time
from datetime import timedelta

import datagen
import psycopg2
from psycopg2 import sql

from odoo import sql_db

# Steady-state day: which share of the customers pays everything the next day,
# and on which share of the open cases the agents took a promise the day before.
PAYING_SHARE = 0.05
PROMISE_SHARE = 0.04


class Sent:
    """What reached the local stubs since the last call."""

    def __init__(self, smtp, gateway):
        self.smtp, self.gateway = smtp, gateway
        self.last = self._now()

    def _now(self):
        return (self.smtp.messages, self.gateway.sms, self.gateway.gateway_messages)

    def since(self):
        now = self._now()
        emails, sms, messages = (b - a for a, b in zip(self.last, now, strict=True))
        self.last = now
        return (
            f"reached the stubs: {emails:,} emails (SMTP sink), {sms:,} SMS (IAP stub), "
            f"{messages:,} WhatsApp/IVR (JSON gateway stub)"
        )


def run_as_cron(env, day):
    """``collection.run._run(day)`` with the cron's progress context, so it
    commits after each batch as ``collection.policy._cron_run`` does. Returns
    the run's log, which remembers the last reminder before the run."""
    cron = env.ref("collections_dunning.ir_cron_collection_run")
    _cron, progress = cron._add_progress()
    last = env["collection.reminder"].search([], order="id desc", limit=1).id or 0
    env.cr.commit()
    env["collection.run"].with_context(ir_cron_progress_id=progress.id, cron_id=cron.id)._run(day)
    env.flush_all()
    env.cr.commit()
    log = env["collection.run.log"].search([], order="id desc", limit=1)
    return log.with_context(bench_last_reminder_id=last)


# The tables a run rewrites (every open case's days past due, the day's
# snapshot, the customers' bureau status and flags, reminders and chatter).
OVERNIGHT_TABLES = (
    "helpdesk_ticket",
    "res_partner",
    "collection_snapshot",
    "collection_reminder",
    "mail_message",
    "mail_activity",
    "mail_followers",
)


def overnight(db_name):
    """What PostgreSQL's autovacuum does within minutes of a run that rewrote
    every open case, long before the agents open the desk in the morning and
    the next day's run starts: VACUUM (ANALYZE) of the tables the run rewrote
    (dead row versions cleared, the planner's statistics current). Right after
    the run the statistics still describe the table before it; the desk is
    timed both ways. VACUUM cannot run in a transaction: its own connection,
    in autocommit. Returns its seconds."""
    start = time.perf_counter()
    connection = psycopg2.connect(**sql_db.connection_info_for(db_name)[1])
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("VACUUM (ANALYZE) {}").format(
                    sql.SQL(", ").join(map(sql.Identifier, OVERNIGHT_TABLES))
                )
            )
    finally:
        connection.close()
    return time.perf_counter() - start


def send_queues(env):
    """Odoo's mail and SMS queues, as their crons do, until they are empty."""
    Mail, Sms = env["mail.mail"], env["sms.sms"]
    while Mail.search_count([("state", "=", "outgoing")]):
        before = Mail.search_count([("state", "=", "outgoing")])
        Mail.process_email_queue(batch_size=1000)
        env.invalidate_all()
        if Mail.search_count([("state", "=", "outgoing")]) >= before:
            break
    while Sms.search_count([("state", "=", "outgoing"), ("to_delete", "!=", True)]):
        before = Sms.search_count([("state", "=", "outgoing"), ("to_delete", "!=", True)])
        Sms._process_queue()
        env.cr.commit()
        env.invalidate_all()
        if Sms.search_count([("state", "=", "outgoing"), ("to_delete", "!=", True)]) >= before:
            break
    env.cr.commit()


def log_summary(log, env):
    """What a run did, from its ``collection.run.log`` and the reminders it
    logged (those after the last one before the run: creation dates are in
    whole seconds, so a short run's reminders may share a second with the
    previous run's)."""
    last = log.env.context["bench_last_reminder_id"]
    reminders = env["collection.reminder"]._read_group(
        [("id", ">", last)], ["channel"], ["__count"]
    )
    by_channel = ", ".join(f"{channel} {n:,}" for channel, n in reminders)
    return (
        f"{log.customer_count:,} customers looked at ({log.customers_quiet:,} with nothing to "
        f"decide, moved on in bulk); cases: {log.cases_opened:,} opened, "
        f"{log.cases_moved:,} moved, {log.cases_closed:,} closed; reminders: "
        f"{log.reminders_queued:,} queued ({by_channel or 'none'}), {log.reminders_sent:,} sent, "
        f"{log.reminders_failed:,} failed"
    )


def choose_payers(partner_ids):
    """The customers who pay everything on the next day: drawn with a seeded
    generator of their own from the sorted customer ids, so every database
    made from the same data gets the same payers."""
    ordered = sorted(partner_ids)
    chooser = random.Random(f"{datagen.SEED}:payers")
    return sorted(chooser.sample(ordered, int(len(ordered) * PAYING_SHARE)))


def _case_key(case):
    """A case as its customer and device name it, the same in every copy of the
    data (case ids depend on the order in which a run opened the cases)."""
    return (case.company_id.id, case.partner_id.id, case.purifier_id or "")


def make_promises(env, today, paying_partners):
    """Promises taken yesterday on a share of the open cases: half of them due
    today from customers who pay today (kept), half due yesterday and unpaid
    (broken). The cases are chosen from their customer and device with a seeded
    generator of their own, so every copy of the data gets the same promises.
    One create for all."""
    paying = set(paying_partners)
    cases = (
        env["helpdesk.ticket"]
        .search([("collection_case", "=", True), ("stage_id.closed", "=", False)])
        .sorted(_case_key)
    )
    count = int(len(cases) * PROMISE_SHARE)
    payers = [case for case in cases if case.partner_id.id in paying][: count // 2]
    chooser = random.Random(f"{datagen.SEED}:promises")
    unpaid = [case for case in cases if case.partner_id.id not in paying]
    others = chooser.sample(unpaid, count // 2)
    values = [
        {
            "ticket_id": case.id,
            "amount": case.amount_overdue,
            "start_date": today - timedelta(days=2),
            "date": today + timedelta(days=1) if case in payers else today,
        }
        for case in payers + others
    ]
    env["collection.promise"].create(values)
    env.cr.commit()
    return len(payers), len(others)


def prepare_next_day(env, today, paying, portfolio):
    """The next day's inputs: yesterday's promises, then the payments of the
    day (real payment entries, reconciled by Odoo). Returns the customers who
    paid and the promises kept and broken."""
    kept, broken = make_promises(env, today, paying)
    payers = datagen.pay_in_full(env, paying, today + timedelta(days=1), portfolio)
    env.cr.commit()
    return payers, kept, broken


def promise_states(env):
    """The promises by state, as a phrase."""
    promises = env["collection.promise"]._read_group([], ["state"], ["__count"])
    return "promises: " + ", ".join(f"{state} {n}" for state, n in promises)
