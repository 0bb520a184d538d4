"""Set-based generation of the benchmark's customers, invoices and payments.

Creating invoices through the ORM costs about 30 s per 1,000 here, so the
benchmark makes one customer, one invoice and one payment entry through the
ORM (posted by Odoo, so every column Odoo requires is filled its way) and
clones them with ``INSERT ... SELECT`` over arrays: each clone copies the
template row and overrides its id, customer, dates, name and amounts (the
template's amounts are 1.00, so an amount column is the template's times the
clone's amount). Payments are then reconciled by Odoo itself
(``account.move.line._reconcile_plan``), so residuals, partial reconciliations
and payment states are Odoo's own numbers, not ours; ``check_invoices``
compares them with what was generated before anything is timed.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import odoo.init  # noqa: F401  (sets up the odoo namespace: Command, api, ...)
from odoo import Command

SEED = 13
AMOUNTS = (499.0, 599.0, 699.0, 899.0, 1199.0)
MAX_DPD = 150  # invoices are 1 to MAX_DPD days past due on the first run's day
PARTLY_PAID_SHARE = 0.20  # of the invoices, paid PARTLY_PAID_RATIO of their amount
PARTLY_PAID_RATIO = 0.40
TWO_DEVICE_SHARE = 0.10  # of the customers: one Purifier ID per device, one case each

# Amount columns of the template rows, scaled by each clone's amount.
MOVE_AMOUNTS = (
    "amount_untaxed",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
)
LINE_AMOUNTS = (
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
    "price_unit",
    "price_subtotal",
    "price_total",
)


@dataclass
class Portfolio:
    """What was generated, to check Odoo's figures against."""

    partner_ids: list = field(default_factory=list)
    invoices: dict = field(default_factory=dict)  # id -> {partner, amount, paid, due, purifier}
    template_move_ids: list = field(default_factory=list)
    template_partner_id: int = 0

    def residual(self, move_id):
        invoice = self.invoices[move_id]
        return round(invoice["amount"] - invoice["paid"], 2)


def _columns(cr, table):
    cr.execute(
        "SELECT column_name, udt_name FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    return cr.fetchall()


def _new_ids(cr, table, count):
    cr.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        (table, count),
    )
    return [row[0] for row in cr.fetchall()]


def clone_rows(cr, table, template_id, values, scale=(), scale_by=None):
    """Insert one copy of row ``template_id`` of ``table`` per entry of the
    ``values`` lists ({column: [value per copy]}), in one statement; columns in
    ``scale`` are the template's multiplied by ``scale_by`` (a list). Returns
    the new ids, in the order of the values."""
    count = len(next(iter(values.values())))
    ids = _new_ids(cr, table, count)
    values = {"id": ids, **values}
    if scale_by is not None:
        values["__scale"] = scale_by
    types = dict(_columns(cr, table))
    types["__scale"] = "numeric"
    names = list(values)
    select = []
    for column in types:
        if column == "__scale":
            continue
        if column in values:
            select.append(f'v."{column}"')
        elif column in scale:
            select.append(f't."{column}" * v."__scale"')
        else:
            select.append(f't."{column}"')
    unnest = ", ".join(f"%s::{types[name]}[]" for name in names)
    aliases = ", ".join(f'"{name}"' for name in names)
    columns = ", ".join(f'"{column}"' for column in types if column != "__scale")
    cr.execute(
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 - identifiers from the catalog
        f"SELECT {', '.join(select)} FROM {table} t, unnest({unnest}) AS v({aliases}) "
        "WHERE t.id = %s",
        [values[name] for name in names] + [template_id],
    )
    return ids


def _recompute(env, model, ids, fnames):
    """Let Odoo recompute stored fields of rows written in SQL."""
    records = env[model].browse(ids)
    env.invalidate_all()
    for fname in fnames:
        env.add_to_compute(env[model]._fields[fname], records)
    env.flush_all()


def make_customers(env, count, rng):
    """``count`` customers in India with an email and a mobile number."""
    Partner = env["res.partner"]
    template = Partner.create(
        {
            "name": "Bench template customer",
            "email": "bench-template@example.com",
            "phone": "+91 80 40000000",
            "country_id": env.ref("base.in").id,
            "customer_rank": 1,
        }
    )
    env.flush_all()
    numbers = list(range(count))
    ids = clone_rows(
        env.cr,
        "res_partner",
        template.id,
        {
            "name": [f"Bench customer {n}" for n in numbers],
            "complete_name": [f"Bench customer {n}" for n in numbers],
            "email": [f"bench{n}@example.com" for n in numbers],
            "phone": [f"+91 80 {40000001 + n}" for n in numbers],
        },
    )
    env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", (ids,))
    stored = [
        name
        for name, fld in Partner._fields.items()
        if fld.store and fld.compute and name != "commercial_partner_id"
    ]
    _recompute(env, "res.partner", ids, stored)
    return template.id, ids


def _template_invoice(env, partner_id, today):
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "invoice_date": today,
            # the template itself is never overdue while the benchmark runs
            "invoice_date_due": today + timedelta(days=365),
            "invoice_line_ids": [
                Command.create(
                    {"name": "Purifier rental", "quantity": 1, "price_unit": 1.0, "tax_ids": []}
                )
            ],
        }
    )
    move.action_post()
    env.flush_all()
    return move


def _next_numbers(env, journal, dates):
    """Invoice names in the journal's yearly sequence, after what exists."""
    env.cr.execute(
        "SELECT sequence_prefix, max(sequence_number) FROM account_move "
        "WHERE journal_id = %s GROUP BY sequence_prefix",
        (journal.id,),
    )
    last = dict(env.cr.fetchall())
    names, prefixes, numbers = [], [], []
    for day in dates:
        prefix = f"{journal.code}/BENCH/{day.year}/"
        last[prefix] = (last.get(prefix) or 0) + 1
        prefixes.append(prefix)
        numbers.append(last[prefix])
        names.append(f"{prefix}{last[prefix]:06d}")
    return names, prefixes, numbers


def make_invoices(env, partner_ids, count, today, rng, portfolio):
    """``count`` posted customer invoices over ``partner_ids``, each 1 to
    MAX_DPD days past due on ``today``; a share of customers has two devices."""
    template = _template_invoice(env, portfolio.template_partner_id, today)
    portfolio.template_move_ids.append(template.id)
    two_devices = set(rng.sample(partner_ids, int(len(partner_ids) * TWO_DEVICE_SHARE)))
    rows = []
    for n in range(count):
        partner_id = partner_ids[n % len(partner_ids)]
        dpd = rng.randint(1, MAX_DPD)
        due = today - timedelta(days=dpd)
        purifier = None
        if partner_id in two_devices:
            purifier = f"PUR-{partner_id:07d}-{'AB'[n // len(partner_ids) % 2]}"
        rows.append((partner_id, due, rng.choice(AMOUNTS), purifier))
    env.cr.execute("SELECT id, name FROM res_partner WHERE id = ANY(%s)", ([r[0] for r in rows],))
    names_by_partner = dict(env.cr.fetchall())
    dates = [due for _p, due, _a, _pur in rows]
    names, prefixes, numbers = _next_numbers(env, template.journal_id, dates)
    cr = env.cr
    move_ids = clone_rows(
        cr,
        "account_move",
        template.id,
        {
            "name": names,
            "sequence_prefix": prefixes,
            "sequence_number": numbers,
            "payment_reference": names,
            "partner_id": [r[0] for r in rows],
            "commercial_partner_id": [r[0] for r in rows],
            "partner_shipping_id": [r[0] for r in rows],
            "invoice_partner_display_name": [names_by_partner[r[0]] for r in rows],
            "date": dates,
            "invoice_date": dates,
            "invoice_date_due": [r[1] for r in rows],
            "purifier_id": [r[3] for r in rows],
            "access_token": [None] * len(rows),
        },
        scale=MOVE_AMOUNTS,
        scale_by=[r[2] for r in rows],
    )
    for line in template.line_ids:
        is_receivable = line.display_type == "payment_term"
        clone_rows(
            cr,
            "account_move_line",
            line.id,
            {
                "move_id": move_ids,
                "partner_id": [r[0] for r in rows],
                "move_name": names,
                "date": dates,
                "invoice_date": dates,
                "date_maturity": [r[1] if is_receivable else None for r in rows],
                **({"name": names} if is_receivable else {}),
            },
            scale=LINE_AMOUNTS,
            scale_by=[r[2] for r in rows],
        )
    for move_id, (partner_id, due, amount, purifier) in zip(move_ids, rows, strict=True):
        portfolio.invoices[move_id] = {
            "partner": partner_id,
            "amount": amount,
            "paid": 0.0,
            "due": due,
            "purifier": purifier,
        }
    return move_ids


def _receivable_lines(env, move_ids):
    return env["account.move.line"].search(
        [("move_id", "in", move_ids), ("display_type", "=", "payment_term")]
    )


def pay(env, payments, day, portfolio):
    """Register ``payments`` [(partner id, {invoice id: amount})] on ``day``:
    one bank entry per customer crediting its receivable, cloned in SQL, then
    reconciled with the invoices by Odoo (``_reconcile_plan``)."""
    if not payments:
        return
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
    )
    receivable = env.company.partner_id.property_account_receivable_id
    template = env["account.move"].create(
        {
            "move_type": "entry",
            "journal_id": bank.id,
            "date": day,
            "ref": "Bench payment template",
            "line_ids": [
                Command.create(
                    {"account_id": bank.default_account_id.id, "debit": 1.0, "name": "Payment"}
                ),
                Command.create(
                    {
                        "account_id": receivable.id,
                        "credit": 1.0,
                        "partner_id": portfolio.template_partner_id,
                        "name": "Payment",
                    }
                ),
            ],
        }
    )
    template.action_post()
    env.flush_all()
    portfolio.template_move_ids.append(template.id)
    totals = [round(sum(amounts.values()), 2) for _partner, amounts in payments]
    partners = [partner for partner, _amounts in payments]
    names, prefixes, numbers = _next_numbers(env, bank, [day] * len(payments))
    cr = env.cr
    move_ids = clone_rows(
        cr,
        "account_move",
        template.id,
        {
            "name": names,
            "sequence_prefix": prefixes,
            "sequence_number": numbers,
            "date": [day] * len(payments),
            "partner_id": partners,
            "commercial_partner_id": partners,
            "access_token": [None] * len(payments),
        },
        scale=MOVE_AMOUNTS,
        scale_by=totals,
    )
    for line in template.line_ids:
        clone_rows(
            cr,
            "account_move_line",
            line.id,
            {
                "move_id": move_ids,
                "partner_id": partners if line.partner_id else [None] * len(payments),
                "move_name": names,
                "date": [day] * len(payments),
            },
            scale=LINE_AMOUNTS,
            scale_by=totals,
        )
    env.invalidate_all()
    AML = env["account.move.line"]
    pay_lines = {
        line.move_id.id: line
        for line in AML.search([("move_id", "in", move_ids), ("account_id", "=", receivable.id)])
    }
    invoice_ids = [inv for _partner, amounts in payments for inv in amounts]
    invoice_lines = defaultdict(AML.browse)
    for line in _receivable_lines(env, invoice_ids):
        invoice_lines[line.move_id.id] |= line
    plan = []
    for move_id, (_partner, amounts) in zip(move_ids, payments, strict=True):
        lines = pay_lines[move_id]
        for invoice_id in amounts:
            lines |= invoice_lines[invoice_id]
        plan.append(lines)
    AML._reconcile_plan(plan)
    env.flush_all()
    for _partner, amounts in payments:
        for invoice_id, amount in amounts.items():
            portfolio.invoices[invoice_id]["paid"] = round(
                portfolio.invoices[invoice_id]["paid"] + amount, 2
            )


def pay_partly(env, move_ids, day, rng, portfolio):
    """A fixed share of the invoices, paid in part (one payment per invoice)."""
    chosen = sorted(rng.sample(move_ids, int(len(move_ids) * PARTLY_PAID_SHARE)))
    payments = [
        (
            portfolio.invoices[move_id]["partner"],
            {move_id: round(portfolio.invoices[move_id]["amount"] * PARTLY_PAID_RATIO, 2)},
        )
        for move_id in chosen
    ]
    pay(env, payments, day, portfolio)
    return len(chosen)


def pay_in_full(env, partner_ids, day, portfolio):
    """These customers pay everything they owe (one payment each)."""
    wanted = set(partner_ids)
    by_partner = defaultdict(dict)
    for move_id, invoice in portfolio.invoices.items():
        residual = portfolio.residual(move_id)
        if invoice["partner"] in wanted and residual > 0:
            by_partner[invoice["partner"]][move_id] = residual
    pay(env, sorted(by_partner.items()), day, portfolio)
    return len(by_partner)


def check_invoices(env, portfolio, today):
    """Fail loudly unless Odoo's own figures are what was generated: each
    invoice's ``amount_residual`` and payment state, each customer's receivable
    (``res.partner.credit``, Odoo's query over the ledger) and Odoo's count and
    total of what is overdue. Odoo Community has no aged receivable report (it
    is in Enterprise's account_reports), so these are the figures checked."""
    env.invalidate_all()
    ids = list(portfolio.invoices)
    errors = []
    moves = env["account.move"].search_read(
        [("id", "in", ids)], ["amount_residual", "payment_state", "state", "amount_total"]
    )
    if len(moves) != len(ids):
        errors.append(f"{len(ids)} invoices generated, Odoo reads {len(moves)}")
    for move in moves:
        expected = portfolio.residual(move["id"])
        invoice = portfolio.invoices[move["id"]]
        if abs(move["amount_residual"] - expected) > 0.005:
            errors.append(f"invoice {move['id']}: residual {move['amount_residual']} != {expected}")
        if abs(move["amount_total"] - invoice["amount"]) > 0.005:
            errors.append(
                f"invoice {move['id']}: total {move['amount_total']} != {invoice['amount']}"
            )
        state = "not_paid" if not invoice["paid"] else ("paid" if expected <= 0 else "partial")
        if move["payment_state"] not in (state, "in_payment" if state == "paid" else state):
            errors.append(f"invoice {move['id']}: payment state {move['payment_state']} != {state}")
    owed = defaultdict(float)
    for move_id, invoice in portfolio.invoices.items():
        owed[invoice["partner"]] += portfolio.residual(move_id)
    partners = env["res.partner"].browse(list(owed))
    for partner in partners:
        if abs(partner.credit - owed[partner.id]) > 0.005:
            errors.append(
                f"customer {partner.id}: receivable {partner.credit} != {owed[partner.id]}"
            )
    overdue = env["account.move"]._read_group(
        env["account.move"]._collection_overdue_domain(today)
        + [("id", "not in", portfolio.template_move_ids)],
        aggregates=["__count", "amount_residual:sum"],
    )[0]
    want = [
        sum(1 for m in ids if portfolio.residual(m) > 0 and portfolio.invoices[m]["due"] < today),
        round(
            sum(
                portfolio.residual(m)
                for m in ids
                if portfolio.residual(m) > 0 and portfolio.invoices[m]["due"] < today
            ),
            2,
        ),
    ]
    if overdue[0] != want[0] or abs(overdue[1] - want[1]) > 0.01:
        errors.append(f"overdue per Odoo {overdue[0]} / {overdue[1]:.2f}, generated {want}")
    if errors:
        raise SystemExit(
            "Generated data and Odoo's figures disagree:\n  " + "\n  ".join(errors[:20])
        )
    return {"overdue_count": overdue[0], "overdue_amount": overdue[1]}


def rng():
    return random.Random(SEED)
