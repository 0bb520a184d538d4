"""The daily run on OCA queue_job (``collections_queue_job``), timed as the
benchmark times the in-process run.

Right after the data is generated and checked, the database is copied
(``CREATE DATABASE <db>_jobs TEMPLATE <db>``, with its filestore) and
``collections_queue_job`` is installed into the copy. Once the in-process
phases are timed, the copy gets the jobs turned on and its own local stubs
(the gateway stub deduplicates on the reminder's idempotency key, which the
copy shares with the original), and a real Odoo server is started on it in
multi-process mode, with queue_job's job runner and ``JOB_WORKERS`` workers
(``[queue_job] channels = root:<JOB_WORKERS>``) and no cron worker. The
benchmark then calls the run as the cron does (with the jobs on, it enqueues
one job per batch of customers and returns) and waits until the run's log is
done and none of its jobs is left; the next day gets the same payments and
promises as the in-process next day.

Queries are the benchmark's own (the call that enqueues) plus the server's, as
Odoo logs them per HTTP request (the job runner's ``/queue_job/runjob`` calls;
the runner's own queries, plain psycopg2, are not counted). Memory is the
largest resident set of one of the server's processes (main process, HTTP
workers, job runner, gevent), sampled every ``POLL`` seconds.
"""

import configparser
import copy
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path

import daily
import psutil
import sinks

import odoo
import odoo.release
from odoo import api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

JOB_WORKERS = 2
LABEL = f"queue_job, {JOB_WORKERS} workers"
ADDON = "collections_queue_job"
ENABLED_PARAM = "collections_queue_job.enabled"
POLL = 0.2  # seconds between two looks at the server, its log or its memory
READY_TIMEOUT = 300  # for the server to load the database and its job runner to start
# For a run's jobs: a job postponed after a database conflict waits a minute first.
RUN_TIMEOUT = 3600
CONTEXT = {"tracking_disable": True, "lang": "en_US"}  # the benchmark's, as in-process
LOG_TIMEOUT = 60  # for the server to log the requests of jobs it has done
STOP_TIMEOUT = 60
FINISHED_JOB_STATES = ("done", "cancelled")
# Odoo's log line of an HTTP request (odoo/service/server.py CommonRequestHandler
# .log_request, odoo/netsvc.py PerfFilter): client - - [date] "<method> <path>
# <protocol>" status size, then the request's query count, query time and
# remaining time, e.g. 127.0.0.1 - - [26/Nov/2026 11:08:20] "GET
# /queue_job/runjob?job_uuid=... HTTP/1.1" 200 - 178 0.450 0.813
REQUEST_LINE = re.compile(
    r' werkzeug: .*"(?P<request>[^"]*)" (?P<status>\S+) \S+ (?P<queries>\d+) [\d.]+ [\d.]+\s*$'
)


def odoo_bin():
    """The odoo-bin of the Odoo the benchmark runs on."""
    return str(Path(odoo.release.__file__).resolve().parents[1] / "odoo-bin")


@contextmanager
def server_cursor():
    """A cursor on the server's ``postgres`` database, outside any transaction
    (CREATE and DROP DATABASE cannot run in one)."""
    with closing(sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        yield cr


def copy_database(source, target):
    """``target``, a copy of ``source`` as it is now, with its filestore. The
    benchmark's connections to ``source`` are closed first (a template database
    must have none); its cursors reconnect on their next use."""
    sql_db.close_db(source)
    with server_cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
        if cr.fetchone():
            raise SystemExit(f"The database {target} exists (a kept benchmark?): drop it first.")
        cr.execute(
            SQL(
                "CREATE DATABASE %s ENCODING 'unicode' TEMPLATE %s",
                SQL.identifier(target),
                SQL.identifier(source),
            )
        )
    filestore = config.filestore(source)
    if os.path.isdir(filestore):
        shutil.copytree(filestore, config.filestore(target))


def drop_database(db_name):
    """Drop ``db_name`` and its filestore. (Odoo's ``exp_drop`` drops only the
    databases ``list_dbs`` lists, which with ``-d`` and no ``--db-filter`` is
    the benchmark's database alone.)"""
    Registry.delete(db_name)
    sql_db.close_db(db_name)
    with server_cursor() as cr:
        cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(db_name)))
    shutil.rmtree(config.filestore(db_name), ignore_errors=True)


def install_addon(config_file, db_name):
    """Install ``collections_queue_job`` (and queue_job) into ``db_name``, as
    ``odoo-bin -i`` does, in a process of its own."""
    command = [sys.executable, odoo_bin(), "-c", config_file, "-d", db_name]
    command += ["-i", ADDON, "--stop-after-init", "--log-level=warn"]
    subprocess.run(command, check=True)


def free_ports(first, count):
    """The first ``count`` ports from ``first`` on that nobody listens on."""
    ports, port = [], first
    while len(ports) < count:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                ports.append(port)
            except OSError:
                pass
        port += 1
    return ports


class PeakRss:
    """The largest resident set of one process of a process tree, sampled in a
    thread every ``POLL`` seconds while used as a context manager."""

    def __init__(self, pid):
        self.root = psutil.Process(pid)
        self.peak = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def _sample(self):
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in processes:
            try:
                self.peak = max(self.peak, process.memory_info().rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue

    def _sample_until_stopped(self):
        while not self.stopped.is_set():
            self._sample()
            self.stopped.wait(POLL)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        self._sample()

    @property
    def peak_mb(self):
        return self.peak / 1024 / 1024


class JobServer:
    """A real Odoo server on one database, as a subprocess: multi-process mode,
    ``JOB_WORKERS`` HTTP workers, queue_job loaded server-wide with its job
    runner running ``JOB_WORKERS`` jobs at a time, no cron worker, listening on
    127.0.0.1 on the first free ports after the benchmark's ``http_port``."""

    def __init__(self, config_file, db_name, folder):
        self.config_file, self.db_name, self.folder = config_file, db_name, folder
        self.port, self.gevent_port = free_ports(int(config["http_port"]) + 1, 2)
        self.logfile = folder / "odoo.log"
        self.output = folder / "odoo.out"
        self.process = None

    def _write_config(self):
        """The benchmark's configuration file plus queue_job's ``[queue_job]``
        section: how many jobs run at once, and the server the runner calls."""
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.config_file)
        parser["queue_job"] = {
            "channels": f"root:{JOB_WORKERS}",
            "scheme": "http",
            "host": "127.0.0.1",
            "port": str(self.port),
        }
        path = self.folder / "odoo.conf"
        with open(path, "w") as conf:
            parser.write(conf)
        return path

    def command(self):
        """The server's command line."""
        return [
            sys.executable,
            odoo_bin(),
            "-c",
            str(self._write_config()),
            "-d",
            self.db_name,
            f"--db-filter=^{self.db_name}$",
            f"--workers={JOB_WORKERS}",
            "--load=web,queue_job",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={self.gevent_port}",
            "--log-level=info",
            f"--logfile={self.logfile}",
        ]

    def start(self):
        """Start the server and wait until it answers and its job runner is
        ready for the database; raise, with the end of its log, if it does not."""
        with open(self.output, "w") as output:
            self.process = subprocess.Popen(self.command(), stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + READY_TIMEOUT
        while not (self._answers() and self._runner_ready()):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"The queue_job server stopped (exit code {self.process.returncode}) "
                    f"before it answered:\n{self.tail()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"The queue_job server did not answer on port {self.port} with its job "
                    f"runner ready within {READY_TIMEOUT} s:\n{self.tail()}"
                )
            time.sleep(POLL)

    def _answers(self):
        try:
            url = f"http://127.0.0.1:{self.port}/web/health"
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status == 200
        except OSError:
            return False

    def _runner_ready(self):
        return f"queue job runner ready for db {self.db_name}" in self.read_log(0)

    def read_log(self, offset):
        """The server's log from ``offset`` (bytes) on."""
        if not self.logfile.exists():
            return ""
        with open(self.logfile, "rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def log_size(self):
        return self.logfile.stat().st_size if self.logfile.exists() else 0

    def tail(self, lines=30):
        """The last lines of the server's log and output, for an error message."""
        text = self.read_log(0) + (self.output.read_text() if self.output.exists() else "")
        return "\n".join(text.splitlines()[-lines:])

    def requests_since(self, offset):
        """The HTTP requests the server logged from ``offset`` on, as
        (request line, query count)."""
        return [
            (match["request"], int(match["queries"]))
            for line in self.read_log(offset).splitlines()
            if (match := REQUEST_LINE.search(line))
        ]

    def check_alive(self):
        if self.process.poll() is not None:
            raise RuntimeError(
                f"The queue_job server stopped (exit code {self.process.returncode}):\n"
                f"{self.tail()}"
            )

    def stop(self):
        """Stop the server as Ctrl-C does (its workers finish their request),
        then any of its processes left (by process id)."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for child in children:
            try:
                child.terminate()
            except psutil.NoSuchProcess:
                continue
        _gone, alive = psutil.wait_procs(children, timeout=10)
        for child in alive:
            child.kill()


class JobsBench:
    """The queue_job rows of the benchmark, on a copy of the benchmark's
    database: ``prepare()`` right after the data is made, ``run()`` once the
    in-process phases are timed, ``close()`` in any case."""

    def __init__(self, config_file, source_db, portfolio):
        self.config_file, self.source_db = config_file, source_db
        self.db_name = f"{source_db}_jobs"
        # what was generated, as the copy has it (the in-process next day adds payments)
        self.portfolio = copy.deepcopy(portfolio)
        self.keep = bool(os.environ.get("BENCH_KEEP"))
        self.folder = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
        self.server = None
        self.copied = False

    def prepare(self):
        """Copy the database as generated and checked, install the add-on into
        the copy."""
        t0 = time.perf_counter()
        copy_database(self.source_db, self.db_name)
        self.copied = True
        install_addon(self.config_file, self.db_name)
        print(
            f"Copied the database to {self.db_name} and installed {ADDON} into it in "
            f"{time.perf_counter() - t0:.0f} s.",
            flush=True,
        )

    def run(self, timer, today, partner_ids):
        """Time the first run, the rerun and the next day on queue_job, each
        followed by Odoo's mail and SMS queues, as rows of ``timer``; the runs'
        work (what their logs and the stubs say) is in each row's ``work``."""
        registry = Registry(self.db_name)
        with (
            sinks.SmtpSink() as smtp,
            sinks.GatewayStub() as gateway,
            registry.cursor() as cr,
        ):
            env = api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
            self._turn_jobs_on(env, smtp, gateway)
            self.server = JobServer(self.config_file, self.db_name, self.folder)
            self.server.start()
            sent = daily.Sent(smtp, gateway)
            self._timed_run(env, timer, "first run", today, sent)
            self._timed_queues(env, timer, sent)
            self._timed_run(env, timer, "rerun the same day", today, sent)
            daily.overnight(self.db_name)  # as in-process: autovacuum before the next day
            paying = daily.choose_payers(partner_ids)
            payers, kept, broken = daily.prepare_next_day(env, today, paying, self.portfolio)
            sent.since()
            row = self._timed_run(env, timer, "next day (steady state)", today + timedelta(1), sent)
            promises = daily.promise_states(env)
            row["work"] += f"; {promises}"
            row["did"] = f"{payers:,} customers paid, {kept + broken:,} promises due; {row['did']}"
            row["did"] += f"; {promises}"
            self._timed_queues(env, timer, sent)

    def _turn_jobs_on(self, env, smtp, gateway):
        """The copy as a copy made by Odoo is (a database uuid of its own), with
        the jobs on and its own stubs."""
        env["ir.config_parameter"].init(force=True)
        env["ir.config_parameter"].set_param(ENABLED_PARAM, "True")
        sinks.connect(env, smtp, gateway)
        env.cr.commit()

    def _timed_run(self, env, timer, phase, day, sent):
        """One run on queue_job as a row of ``timer``: from the cron's call until
        its log is done and none of its jobs is left."""
        offset = self.server.log_size()
        with PeakRss(self.server.process.pid) as memory:
            start, queries = time.perf_counter(), sql_db.sql_counter
            log = daily.run_as_cron(env, day)
            queries = sql_db.sql_counter - queries
            jobs = self._wait_for_run(env, log)
            seconds = time.perf_counter() - start
        requests = self._job_requests(offset, jobs["count"])
        env.invalidate_all()
        row = {
            "label": f"{LABEL}: {phase}",
            "engine": "queue_job",
            "seconds": seconds,
            "queries": queries + sum(count for _request, count in requests),
            "peak_mb": memory.peak_mb,
            "work": f"{daily.log_summary(log, env)}; {sent.since()}",
        }
        row["did"] = (
            f"{row['work']}; {jobs['count']} jobs ({log.job_batch_count} batches, 1 closing), "
            f"{jobs['retries']} retries, {len(requests)} job requests"
        )
        timer.rows.append(row)
        return row

    def _timed_queues(self, env, timer, sent):
        """Odoo's mail and SMS queues of the copy, drained by the benchmark as
        in the in-process phases."""
        with timer.measure(
            f"  {LABEL}: then Odoo's mail and SMS queues", engine="queue_job"
        ) as row:
            daily.send_queues(env)
        row["did"] = row["work"] = sent.since()

    def _run_state(self, env, log):
        """The run's log state and failure, and its jobs: how many, how many not
        finished, how many tries beyond the first (queue_job counts a job's tries
        in ``retry``)."""
        env.cr.rollback()  # a fresh snapshot
        env.cr.execute(
            SQL(
                """SELECT log.state, log.failure, count(job.id),
                          count(job.id) FILTER (WHERE job.state NOT IN %s),
                          COALESCE(sum(GREATEST(job.retry - 1, 0)), 0)
                     FROM collection_run_log log
                LEFT JOIN queue_job job ON job.graph_uuid = log.job_graph_uuid
                    WHERE log.id = %s
                 GROUP BY log.id""",
                FINISHED_JOB_STATES,
                log.id,
            )
        )
        state, failure, count, unfinished, retries = env.cr.fetchone()
        return {
            "state": state,
            "failure": failure,
            "count": count,
            "unfinished": unfinished,
            "retries": retries,
        }

    def _wait_for_run(self, env, log):
        """Wait until the run's log is done and none of its jobs is unfinished;
        stop the benchmark, with the reason, if the run failed."""
        deadline = time.monotonic() + RUN_TIMEOUT
        while True:
            run = self._run_state(env, log)
            if run["state"] == "failed":
                raise SystemExit(f"The queue_job run of {log.date} failed: {run['failure']}")
            if run["state"] == "done" and not run["unfinished"]:
                return run
            self.server.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"The queue_job run of {log.date} is not done after {RUN_TIMEOUT} s "
                    f"(log {run['state']}, {run['unfinished']} of {run['count']} jobs "
                    f"unfinished):\n{self.server.tail()}"
                )
            time.sleep(POLL)

    def _job_requests(self, offset, jobs):
        """The job runner's requests to the server since ``offset``, once the
        server has logged at least one per job (it logs a request after the
        job's commit)."""
        deadline = time.monotonic() + LOG_TIMEOUT
        while True:
            requests = [
                (request, queries)
                for request, queries in self.server.requests_since(offset)
                if "/queue_job/runjob" in request
            ]
            if len(requests) >= jobs or time.monotonic() > deadline:
                return requests
            time.sleep(POLL)

    def close(self):
        """Stop the server; drop the copy and the server's files unless
        BENCH_KEEP is set."""
        try:
            if self.server:
                self.server.stop()
        finally:
            if self.keep:
                print(f"Kept the database {self.db_name}; server files in {self.folder}")
            else:
                if self.copied:
                    drop_database(self.db_name)
                shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def jobs_bench(config_file, source_db, portfolio):
    """A ``JobsBench`` that is closed in any case."""
    bench = JobsBench(config_file, source_db, portfolio)
    try:
        yield bench
    finally:
        bench.close()
