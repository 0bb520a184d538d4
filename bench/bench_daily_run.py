"""Benchmark of the collections daily run (collection.policy._cron_run).

Usage (through the project's entry point, which makes a throw-away database):
    make bench                       # 1,000 and 10,000 overdue invoices
    scripts/collections.sh bench 500 # other sizes

It creates N overdue customer invoices (two per customer, due 1 and 3 days
ago, so every customer opens an L1 case and gets SMS, email, IVR and WhatsApp
reminders), then times three runs and counts their SQL queries:
  1. the first run: opens every case and sends the L1 reminders;
  2. a rerun the same day: must do and send nothing new;
  3. the next day: refreshes every case's days past due.
"""

import sys
import time
from datetime import date, timedelta

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry


def create_invoices(env, count, today):
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench customer {n}",
                "email": f"bench{n}@example.com",
                "phone": f"+91 80 {40000000 + n}",
                "country_id": env.ref("base.in").id,
            }
            for n in range(count // 2)
        ]
    )
    env.cr.commit()
    for chunk in range(0, len(partners), 250):
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=days),
                    "invoice_date_due": today - timedelta(days=days),
                    "invoice_line_ids": [
                        Command.create({"name": "Rental", "price_unit": 599.0, "tax_ids": []})
                    ],
                }
                for partner in partners[chunk : chunk + 250]
                for days in (1, 3)
            ]
        )
        moves.action_post()
        env.cr.commit()
        env.invalidate_all()


def timed_run(env, on_date):
    env.invalidate_all()
    cr = env.cr
    start_queries = cr.sql_log_count
    start = time.perf_counter()
    env["collection.run"]._run(on_date)
    env.flush_all()
    elapsed = time.perf_counter() - start
    queries = cr.sql_log_count - start_queries
    env.cr.commit()
    return elapsed, queries


def main(config_file, db_name, count):
    odoo.tools.config.parse_config(["-c", config_file, "-d", db_name])
    registry = Registry(db_name)
    today = date.today()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        t0 = time.perf_counter()
        create_invoices(env, count, today)
        setup = time.perf_counter() - t0
        results = [
            ("first run (open cases, 4 reminders each)", *timed_run(env, today)),
            ("rerun the same day", *timed_run(env, today)),
            ("next day (refresh DPD)", *timed_run(env, today + timedelta(days=1))),
        ]
        cases = env["helpdesk.ticket"].search_count([("collection_case", "=", True)])
        reminders = env["collection.reminder"].search_count([])
    print(
        f"\n{count} overdue invoices, {cases} cases, {reminders} reminders (set-up {setup:.0f} s)"
    )
    print(f"{'run':45} {'wall time':>10} {'queries':>8} {'queries/invoice':>16}")
    for label, elapsed, queries in results:
        print(f"{label:45} {elapsed:9.2f}s {queries:8d} {queries / count:16.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
