"""Benchmark: the collections daily run side by side with OCA credit control.

Usage (through the project's entry point, which makes a throw-away database
with collections_dunning, collections_art and account_credit_control):
    make bench                  # N = 10,000 invoices
    make bench N=1000           # or N=100000
    python bench/bench_daily_run.py <odoo.conf> <database> <N>

In one process and one database (step 5: a copy of it, served by an Odoo
server that this process starts) it
  1. generates, set-based and from a fixed seed, N posted customer invoices
     over N/2 customers, 1-150 days past due, a share partly paid through real
     reconciled payments, a share of customers with one Purifier ID per device
     (``datagen.py``), and checks Odoo's own figures against what it generated;
     then copies the database for step 5;
  2. times OCA credit control's run over them with a policy equivalent to the
     purifier SOP (``credit_control.py``);
  3. times our daily run as its cron does it (with its commits): the first run,
     a rerun the same day, and a steady-state next day (a share of customers
     pays, promises come due, cases move level, due reminders go out through
     local stubs: ``sinks.py``), then Odoo's mail and SMS queues (``daily.py``);
  4. times the collection Kanban and the aging pivot as a collection agent,
     right after the rerun and again once the tables the run rewrote are
     vacuumed and analyzed, as autovacuum does within minutes of a run
     (``daily.overnight``; the next day runs on them, as it would a day later);
  5. times the same runs on the copy with ``collections_queue_job``: a real Odoo
     server with queue_job's job runner and two job workers runs them
     (``jobs_bench.py``);
and prints one table, whether the queue_job runs did the same work as the
in-process ones, the runs' cost per batch step, and the desk timings.

Queries are Odoo's SQL counter (``odoo.sql_db.sql_counter``, every cursor of the
process); memory is the process's peak resident set during the phase (Linux
VmHWM, reset before each phase through /proc/self/clear_refs). For the queue_job
runs, see ``jobs_bench.py``.
"""

import cProfile
import functools
import gc
import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta

import credit_control
import daily
import datagen
import jobs_bench
import sinks
from lxml import etree

import odoo
from odoo import api, sql_db
from odoo.models import BaseModel
from odoo.modules.registry import Registry
from odoo.tools.misc import Callbacks

AGENTS = 10
REPEAT = 3


def _status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def _rss_peak_kb():
    return _status_kb("VmHWM")


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass


class Timer:
    def __init__(self):
        self.rows = []

    @contextmanager
    def measure(self, label, **info):
        gc.collect()
        _reset_peak()
        queries = sql_db.sql_counter
        start = time.perf_counter()
        # what the process holds already (earlier phases: generation, credit control)
        row = {"label": label, "start_mb": _status_kb("VmRSS") / 1024, **info}
        yield row
        row["seconds"] = time.perf_counter() - start
        row["queries"] = sql_db.sql_counter - queries
        row["peak_mb"] = _rss_peak_kb() / 1024
        self.rows.append(row)


# Methods the steps above call, profiled apart (inclusive, so they overlap):
# where the first run spends its time and queries inside the hand-over, the
# recovery decisions and the sending.
HOT_SPOTS = (
    ("helpdesk.ticket", "create"),
    ("helpdesk.ticket", "_art_open_cases"),
    ("helpdesk.ticket", "_message_log"),
    ("helpdesk.ticket", "_message_log_batch"),
    ("helpdesk.ticket", "_collection_ask_recovery_decisions"),
    ("mail.activity", "create"),
    ("collection.slack.message", "_enqueue"),
    ("collection.reminder", "_skip_uncontactable_cases"),
    ("collection.reminder", "_send_email"),
    ("collection.reminder", "_send_sms"),
    ("collection.reminder", "_send_whatsapp"),
    ("collection.reminder", "_send_ivr"),
    ("collection.reminder", "_send_activity"),
    ("ir.cron", "_commit_progress"),
)


def counted(totals, label, call):
    """``call()``, its call, time and queries added to ``totals[label]``
    (calls, seconds, queries)."""
    queries, start = sql_db.sql_counter, time.perf_counter()
    try:
        return call()
    finally:
        calls, seconds, count = totals.get(label, (0, 0.0, 0))
        totals[label] = (
            calls + 1,
            seconds + time.perf_counter() - start,
            count + sql_db.sql_counter - queries,
        )


class StepProfile:
    """Calls, time and queries per method, by wrapping the methods on the
    registry's classes for the duration: by default the steps of
    ``collection.run`` (batch steps summed over the batches)."""

    def __init__(self, env, methods=None):
        if methods is None:
            run = env["collection.run"]
            names = [*run._run_steps(), *run._batch_steps(), "_send_reminders"]
            names.remove("_step_work_batches")
            methods = [("collection.run", name) for name in names]
        self.methods = [(type(env[model]), model, name) for model, name in methods if model in env]
        self.totals = {}
        self.saved = []

    def __enter__(self):
        for cls, model, name in self.methods:
            original = cls.__dict__.get(name)
            self.saved.append((cls, name, original))
            setattr(cls, name, self._wrap(f"{model}.{name}", getattr(cls, name)))
        return self

    def _wrap(self, label, original):
        totals = self.totals

        @functools.wraps(original)
        def step(*args, **kwargs):
            return counted(totals, label, lambda: original(*args, **kwargs))

        return step

    def __exit__(self, *exc):
        for cls, name, original in reversed(self.saved):
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)


class OrmProfile:
    """Calls, time and queries of what the ORM defers to a flush or a commit:
    the recomputation of stored fields (per field) and the pre- and post-commit
    hooks (per function), inclusive. A batch's deferred work runs at its first
    flush or commit, so it is charged to whichever method gets there first;
    this says what it is."""

    def __init__(self):
        self.totals = {}
        self.recompute = BaseModel._recompute_field
        self.add = Callbacks.add

    def _count(self, label, call):
        return counted(self.totals, label, call)

    def __enter__(self):
        profile, recompute, add = self, self.recompute, self.add

        @functools.wraps(recompute)
        def recompute_field(records, field, ids=None):
            label = f"recompute {field.model_name}.{field.name}"
            return profile._count(label, lambda: recompute(records, field, ids))

        @functools.wraps(add)
        def add_hook(callbacks, func):
            name = getattr(func, "__qualname__", None) or getattr(func, "func", func).__qualname__
            return add(callbacks, lambda: profile._count(f"commit hook {name}", func))

        BaseModel._recompute_field = recompute_field
        Callbacks.add = add_hook
        return self

    def __exit__(self, *exc):
        BaseModel._recompute_field = self.recompute
        Callbacks.add = self.add

    def top(self, count=8):
        ranked = sorted(self.totals.items(), key=lambda item: -item[1][1])
        return dict(ranked[:count])


class SqlProfile:
    """With BENCH_SQL=<n>, the run's time per SQL statement: each statement's
    text (whitespace folded, its first 100 characters, so one statement with
    other parameters counts as one), how many times it ran and its total time,
    measured around the database call (``odoo.sql_db.Cursor.execute``); the n
    costliest are printed after the step table. Without it, nothing is wrapped."""

    def __init__(self, name):
        self.name = name
        self.count = int(os.environ.get("BENCH_SQL") or 0)
        self.totals = {}

    def __enter__(self):
        if not self.count:
            return self
        self.original = sql_db.Cursor.execute
        original, totals = self.original, self.totals

        @functools.wraps(original)
        def execute(cursor, query, params=None, log_exceptions=True):
            text = query.code if isinstance(query, odoo.tools.SQL) else str(query)
            key = " ".join(text.split())[:100]
            return counted(totals, key, lambda: original(cursor, query, params, log_exceptions))

        sql_db.Cursor.execute = execute
        return self

    def __exit__(self, *exc):
        if self.count:
            sql_db.Cursor.execute = self.original

    def print(self):
        if not self.count:
            return
        print(f"\nCostliest SQL statements of the {self.name} (BENCH_SQL={self.count}):")
        print("| statement (first 100 characters) | calls | time |")
        print("| --- | ---: | ---: |")
        ranked = sorted(self.totals.items(), key=lambda item: -item[1][1])
        for text, (calls, seconds, _queries) in ranked[: self.count]:
            print(f"| `{text}` | {calls:,} | {seconds:.2f} s |")


@contextmanager
def python_profile(name):
    """With BENCH_PROFILE=<folder>, the phase's Python profile goes to
    <folder>/<name>.pstats (read it with ``python -m pstats``); else nothing."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        yield
        return
    os.makedirs(folder, exist_ok=True)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(os.path.join(folder, f"{name}.pstats"))


def configure(env, smtp, gateway):
    """Agents in the Collections team and its leader, contact hours open all day
    (the figures must not depend on the hour the bench runs), email to the SMTP
    sink, SMS to the IAP stub, WhatsApp and IVR to the JSON gateway stub."""
    company = env.company
    company.write({"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0})
    team = env.ref("collections_dunning.helpdesk_team_collections")
    agents = env["res.users"].create(
        [
            {
                "name": f"Bench agent {n}",
                "login": f"bench-agent-{n}",
                "email": f"bench-agent-{n}@example.com",
                "group_ids": [(6, 0, [env.ref("collections_dunning.group_collection_agent").id])],
            }
            for n in range(AGENTS)
        ]
    )
    team.user_ids = [(4, agent.id) for agent in agents]
    # The team's leader: recovery decisions and to-dos without an agent go to
    # them (else to the administrator, who has no email here).
    team.user_id = env["res.users"].create(
        {
            "name": "Bench manager",
            "login": "bench-manager",
            "email": "bench-manager@example.com",
            "group_ids": [(6, 0, [env.ref("collections_dunning.group_collection_manager").id])],
        }
    )
    sinks.connect(env, smtp, gateway)
    env.cr.commit()
    return agents.ids[0], team.user_id.id


def kanban_spec(env, agent):
    """The collections desk's Kanban as the agent's web client loads it: the
    fields of the view's arch, the action's domain and search default."""
    action = env.ref("collections_dunning.helpdesk_ticket_action_cases")
    view = env.ref("collections_dunning.helpdesk_ticket_view_kanban_cases")
    Ticket = env["helpdesk.ticket"].with_user(agent)
    arch = Ticket.get_views([(view.id, "kanban")])["views"]["kanban"]["arch"]
    root = etree.fromstring(arch)
    spec = {}
    for node in root.iter("field"):
        name = node.get("name")
        fld = Ticket._fields[name]
        if fld.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif fld.type in ("one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    domain = [*eval_domain(action.domain), ("closed", "=", False)]  # search_default_open
    progress = root.find("progressbar")
    return spec, domain, root.get("default_order"), progress


def eval_domain(text):
    from odoo.tools.safe_eval import safe_eval

    return safe_eval(text or "[]")


def desk_timings(registry, agent_id, manager_id):
    """Median server time of the Kanban's loads and the aging pivot."""
    results = []

    def timed(label, user_id, call):
        samples, queries = [], 0
        for _ in range(REPEAT):
            with registry.cursor() as cr:
                env = api.Environment(cr, user_id, {"lang": "en_US", "tz": "Asia/Kolkata"})
                env.invalidate_all()
                q0, t0 = sql_db.sql_counter, time.perf_counter()
                answer = call(env)
                samples.append(time.perf_counter() - t0)
                queries = sql_db.sql_counter - q0
                cr.rollback()
        results.append((label, statistics.median(samples), queries, answer))

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        agent = env["res.users"].browse(agent_id)
        spec, domain, order, progress = kanban_spec(env, agent)
        action_ctx = eval_domain(
            env.ref("collections_dunning.helpdesk_ticket_action_cases").context
        )
    kanban_ctx = {**action_ctx, "read_group_expand": True}

    def group(env):
        answer = (
            env["helpdesk.ticket"]
            .with_context(**kanban_ctx)
            .web_read_group(
                domain,
                ["stage_id"],
                ["amount_overdue:sum"],
                order=order,
                auto_unfold=True,
                unfold_read_specification=spec,
                unfold_read_default_limit=40,
            )
        )
        return f"{answer['length']} columns, {sum(g['__count'] for g in answer['groups'])} cases"

    def bars(env):
        answer = (
            env["helpdesk.ticket"]
            .with_context(**kanban_ctx)
            .read_progress_bar(
                domain,
                "stage_id",
                {
                    "field": progress.get("field"),
                    "colors": eval_domain(progress.get("colors")),
                    "sum_field": progress.get("sum_field"),
                },
            )
        )
        return f"{len(answer)} columns"

    def first_page(env):
        answer = (
            env["helpdesk.ticket"]
            .with_context(**action_ctx)
            .web_search_read(domain, spec, limit=80, order=order, count_limit=10001)
        )
        return f"{len(answer['records'])} of {answer['length']} cases"

    def pivot(env):
        rows = env["collection.aging.report"].formatted_read_grouping_sets(
            [],
            [[], ["level_id"], ["aging_bucket"], ["level_id", "aging_bucket"]],
            ["amount_overdue:sum"],
        )
        return f"{len(rows[3])} cells"

    timed("Kanban: web_read_group by stage (agent)", agent_id, group)
    timed("Kanban: read_progress_bar (agent)", agent_id, bars)
    timed("Kanban: first page, web_search_read (agent)", agent_id, first_page)
    try:
        timed("Aging pivot: collection.aging.report (agent)", agent_id, pivot)
    except odoo.exceptions.AccessError:
        timed("Aging pivot: collection.aging.report (manager)", manager_id, pivot)
    return results


def machine():
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        ram_gb = int(meminfo.readline().split()[1]) / 1024 / 1024
    return (
        f"{os.cpu_count()} CPUs ({model}), {ram_gb:.0f} GB RAM, Python {platform.python_version()}"
    )


def memory(row):
    """The phase's peak resident set, and the process's at its start (a queue_job
    row: the largest server process's peak, per worker)."""
    if "start_mb" not in row:
        return f"{row['peak_mb']:.0f} MB"
    return f"{row['peak_mb']:.0f} MB ({row['start_mb']:.0f})"


def print_table(count, setup, rows, cc_seconds):
    print(f"\n{count:,} invoices; set-up {setup:.0f} s; {machine()}; {date.today()}")
    print(
        "| run | wall time | SQL queries | peak memory (at start) | credit control / ours "
        "| what it did |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        ratio = cc_seconds / row["seconds"]
        ratio = f"{ratio:.1f}x" if ratio >= 1 else f"{ratio:.2f}x"
        if row["label"].startswith(" "):
            ratio = ""  # Odoo's queues: no counterpart in credit control's run
        print(
            f"| {row['label']} | {row['seconds']:.2f} s | {row['queries']:,} | "
            f"{memory(row)} | {ratio} | {row.get('did', '')} |"
        )


def compare_work(rows):
    """Whether the queue_job runs did what the in-process runs did, phase by
    phase (their logs' counts, the reminders queued, what reached the stubs)."""
    ours = [row["work"] for row in rows if row.get("engine") == "in-process"]
    jobs = [row["work"] for row in rows if row.get("engine") == "queue_job"]
    if not jobs:
        return "No queue_job rows."
    differences = [
        f"  in-process: {a}\n  queue_job:  {b}" for a, b in zip(ours, jobs, strict=True) if a != b
    ]
    if not differences:
        return "The queue_job rows did the same work as the in-process rows, phase by phase."
    return "The queue_job rows did NOT do the same work:\n" + "\n".join(differences)


def generate(env, count, today):
    """The benchmark's data, set-based, checked against Odoo's own figures."""
    rng = datagen.rng()
    t0 = time.perf_counter()
    portfolio = datagen.Portfolio()
    portfolio.template_partner_id, partner_ids = datagen.make_customers(env, count // 2, rng)
    portfolio.partner_ids = partner_ids
    move_ids = datagen.make_invoices(env, partner_ids, count, today, rng, portfolio)
    partly = datagen.pay_partly(env, move_ids, today - timedelta(days=1), rng, portfolio)
    checked = datagen.check_invoices(env, portfolio, today)
    env.cr.commit()
    setup = time.perf_counter() - t0
    print(
        f"Generated {len(partner_ids):,} customers, {len(move_ids):,} invoices "
        f"({partly:,} partly paid) in {setup:.0f} s; Odoo agrees: "
        f"{checked['overdue_count']:,} overdue invoices, {checked['overdue_amount']:,.2f} "
        f"{env.company.currency_id.name} overdue, every invoice's residual and every "
        "customer's receivable (res.partner.credit) as generated.",
        flush=True,
    )
    return portfolio, setup


def time_credit_control(env, timer, today):
    """OCA credit control's run over the same invoices; its wall time."""
    policy = credit_control.make_policy(env)
    env.cr.commit()
    with timer.measure("OCA credit control run") as row:
        control_run = credit_control.run(env, policy, today)
        env.cr.commit()
    row["did"] = f"{credit_control.line_count(env, control_run):,} credit control lines"
    return row["seconds"]


def time_queues(env, timer, sent):
    """Odoo's mail and SMS queues after a run."""
    with timer.measure("  then Odoo's mail and SMS queues", engine="in-process") as row:
        daily.send_queues(env)
    row["did"] = row["work"] = sent.since()


def time_daily_runs(env, timer, today, sent):
    """Our daily run as the cron does it: first run, rerun, then (once
    ``desk()`` has timed the desk) the next day, each followed by Odoo's queues.
    Returns the per-step profiles of the first run and its SQL statements."""
    with (
        StepProfile(env) as profile,
        StepProfile(env, HOT_SPOTS) as hot,
        OrmProfile() as rc,
    ):
        with (
            timer.measure("collections: first run", engine="in-process") as row,
            python_profile("first_run"),
            SqlProfile("first run") as statements,
        ):
            log = daily.run_as_cron(env, today)
        row["did"] = row["work"] = f"{daily.log_summary(log, env)}; {sent.since()}"
    first = (dict(profile.totals), {**hot.totals, **rc.top()})
    time_queues(env, timer, sent)
    with timer.measure("collections: rerun the same day", engine="in-process") as row:
        log = daily.run_as_cron(env, today)
    row["did"] = row["work"] = f"{daily.log_summary(log, env)}; {sent.since()}"
    return first, statements


def time_next_day(env, timer, today, portfolio, sent):
    """The next day: payments, promises come due, level moves, reminders; then
    Odoo's queues. Returns the run's per-step profiles and its SQL statements."""
    paying = daily.choose_payers(portfolio.partner_ids)
    payers, kept, broken = daily.prepare_next_day(env, today, paying, portfolio)
    sent.since()
    with (
        StepProfile(env) as profile,
        StepProfile(env, HOT_SPOTS) as hot,
        OrmProfile() as rc,
    ):
        with (
            timer.measure("collections: next day (steady state)", engine="in-process") as row,
            python_profile("next_day"),
            SqlProfile("next day") as statements,
        ):
            log = daily.run_as_cron(env, today + timedelta(days=1))
        row["work"] = f"{daily.log_summary(log, env)}; {sent.since()}"
    row["work"] += f"; {daily.promise_states(env)}"
    row["did"] = f"{payers:,} customers paid, {kept + broken:,} promises due; {row['work']}"
    following = (dict(profile.totals), {**hot.totals, **rc.top()})
    time_queues(env, timer, sent)
    return following, statements


def print_profiles(first, following):
    """Time and queries per step of the run and per method they call."""
    print("\nPer step of collection.run, then methods they call (inclusive, overlapping):")
    print(
        "| step or method | first run: calls | time | queries | next day: calls | time | queries |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for one, other in zip(first, following, strict=True):
        for name in dict.fromkeys([*one, *other]):
            a, b = one.get(name, (0, 0.0, 0)), other.get(name, (0, 0.0, 0))
            cells = [f"{a[0]:,}", f"{a[1]:.2f} s", f"{a[2]:,}", f"{b[0]:,}", f"{b[1]:.2f} s"]
            print(f"| {name} | {' | '.join(cells)} | {b[2]:,} |")


def print_desk(desk, desk_after, vacuum):
    print(
        f"\nDesk over the open cases, server time, median of {REPEAT}: right after the "
        "run, and once autovacuum has been through the tables the run rewrote "
        f"(VACUUM (ANALYZE) of {', '.join(daily.OVERNIGHT_TABLES)}: {vacuum:.1f} s):"
    )
    print("| call | right after the run | after autovacuum | SQL queries | result |")
    print("| --- | ---: | ---: | ---: | --- |")
    for (label, seconds, queries, answer), after in zip(desk, desk_after, strict=True):
        print(
            f"| {label} | {seconds * 1000:.0f} ms | {after[1] * 1000:.0f} ms | {queries} | "
            f"{answer} |"
        )


def main(config_file, db_name, count):
    odoo.tools.config.parse_config(["-c", config_file, "-d", db_name, "--log-level=warn"])
    registry = Registry(db_name)
    today = date.today()
    timer = Timer()
    context = {"tracking_disable": True, "lang": "en_US"}
    with sinks.SmtpSink() as smtp, sinks.GatewayStub() as gateway:
        # 1. Data, set-based, checked against Odoo's own figures; a copy of the
        # database as generated for the queue_job rows (no cursor open on it).
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, context)
            agent_id, manager_id = configure(env, smtp, gateway)
            portfolio, setup = generate(env, count, today)
        with jobs_bench.jobs_bench(config_file, db_name, portfolio) as jobs:
            jobs.prepare()
            with registry.cursor() as cr:
                env = api.Environment(cr, odoo.SUPERUSER_ID, context)
                # 2. OCA credit control over the same invoices.
                cc_seconds = time_credit_control(env, timer, today)
                # 3. Our daily run, as the cron does it, in this process.
                sent = daily.Sent(smtp, gateway)
                first, first_statements = time_daily_runs(env, timer, today, sent)
                # 4. The desk over the open cases, as an agent: right after the
                # run, then as autovacuum leaves the tables the run rewrote.
                desk = desk_timings(registry, agent_id, manager_id)
                vacuum = daily.overnight(db_name)
                desk_after = desk_timings(registry, agent_id, manager_id)
                # 5. The next day: payments, promises come due, level moves, reminders.
                following, next_statements = time_next_day(env, timer, today, portfolio, sent)
            # 6. The same runs on queue_job, with a real Odoo server and its job workers.
            jobs.run(timer, today, portfolio.partner_ids)

    print_table(count, setup, timer.rows, cc_seconds)
    print(compare_work(timer.rows))
    print_profiles(first, following)
    first_statements.print()
    next_statements.print()
    print_desk(desk, desk_after, vacuum)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
