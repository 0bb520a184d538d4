"""Issue 13: the customers the daily run has nothing to decide for today.

On most days most overdue customers need nothing but their figures moved on by
one day: days past due, penal accrual, bureau status, flags and the day's
snapshot. No case to open, move, put back, close or hand over, no reminder
step due, no ownership change. The run finds these customers from a few
set-based queries (``quiet_keys``) and moves them on in bulk statements
(``collection.run.quiet``); every other customer goes through the batch steps
as before.

Each reason a customer needs the batch steps is one function below. A customer
is quiet only when none applies to any of its cases; a reason that cannot be
decided from the rows read here counts as applying, since the batch steps are
always right, only slower. The rows carry the names of the case's fields, so
the rules written for cases (``penal.accrued_penal_charge``,
``bureau.customer_days``) read them as they read cases.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from odoo.tools import SQL, float_is_zero

from .. import bulk_sql
from .overdue import policies, policy_for


@dataclass(slots=True)
class CaseRow:
    """An open collection case as read in one query, with the case's field names."""

    id: int
    key: tuple
    company_id: Any  # res.company
    commercial_partner_id: Any  # res.partner
    stage_id: Any  # helpdesk.ticket.stage
    team_id: Any  # helpdesk.ticket.team
    collection_policy_id: Any  # collection.policy
    collection_level_id: Any  # collection.policy.level
    collection_due_date: date | None
    collection_dpd: int
    amount_overdue: float
    next_reminder_date: date | None
    collection_recovery_state: str | None
    collection_escalation_date: date | None
    penal_accrued: float
    penal_accrued_date: date | None
    invoice_ids: frozenset
    tag_ids: frozenset  # the customer's tags (routing rules)


class Records:
    """Records by id, browsed once (``env[model].browse(id)`` for 50,000 rows
    costs more than the query that read them)."""

    def __init__(self, env):
        self.env = env
        self.cache = {}

    def get(self, model, record_id):
        key = (model, record_id)
        record = self.cache.get(key)
        if record is None:
            record = self.cache[key] = self.env[model].browse(record_id or ())
        return record


def read_case_rows(env, cases):
    """The rows of the open cases ``cases`` ({key: case}) in three flat queries:
    the case's columns, its overdue invoices and its customer's tags. (One query
    with a sub-select per case costs more than the three: PostgreSQL estimates it
    high enough to compile it first.)"""
    by_id = {case.id: key for key, case in cases.items()}
    if not by_id:
        return {}
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            SELECT t.id, t.company_id, t.commercial_partner_id, t.stage_id, t.team_id,
                   t.collection_policy_id, t.collection_level_id, t.collection_due_date,
                   COALESCE(t.collection_dpd, 0), COALESCE(t.amount_overdue, 0),
                   t.next_reminder_date, t.collection_recovery_state,
                   t.collection_escalation_date, COALESCE(t.penal_accrued, 0),
                   t.penal_accrued_date, t.partner_id
              FROM helpdesk_ticket t
             WHERE t.id = ANY(%s)
            """,
            list(by_id),
        )
    )
    case_values = env.cr.fetchall()
    invoices = bulk_sql.many2many_ids(env["helpdesk.ticket"], "overdue_invoice_ids", by_id)
    partner_ids = {values[2] for values in case_values} | {values[-1] for values in case_values}
    partner_tags = bulk_sql.many2many_ids(env["res.partner"], "category_id", partner_ids)
    records = Records(env)
    rows = {}
    for values in case_values:
        (case_id, company, partner, stage, team, policy, level, *rest) = values
        (due, dpd, amount, next_date, recovery, escalation, accrued, accrued_date) = rest[:8]
        tags = partner_tags.get(rest[8], ()) + partner_tags.get(partner, ())
        rows[by_id[case_id]] = CaseRow(
            id=case_id,
            key=by_id[case_id],
            company_id=records.get("res.company", company),
            commercial_partner_id=records.get("res.partner", partner),
            stage_id=records.get("helpdesk.ticket.stage", stage),
            team_id=records.get("helpdesk.ticket.team", team),
            collection_policy_id=records.get("collection.policy", policy),
            collection_level_id=records.get("collection.policy.level", level),
            collection_due_date=due,
            collection_dpd=dpd,
            amount_overdue=amount,
            next_reminder_date=next_date,
            collection_recovery_state=recovery,
            collection_escalation_date=escalation,
            penal_accrued=accrued,
            penal_accrued_date=accrued_date,
            invoice_ids=frozenset(invoices.get(case_id, ())),
            tag_ids=frozenset(tags),
        )
    return rows


# ----------------------------------------------------------------------
# Reasons a case needs the batch steps today
# ----------------------------------------------------------------------


def figures_changed(row, group, rounding):
    """A payment, a credit note, a new overdue invoice or a changed due date
    since the last run: the case's invoices, amount or oldest due date differ
    from what is overdue now (the case is refreshed, may close or skip an
    *only if unpaid* step). ``rounding``: the company currency's."""
    return (
        row.invoice_ids != frozenset(group["invoice_ids"])
        or row.collection_due_date != group["oldest_due"]
        or not float_is_zero(row.amount_overdue - group["amount"], precision_rounding=rounding)
    )


def level_changes(row, level):
    """Rule (Collection SOP, Workflow Process): the case's days past due today
    belong to another level of its policy (or the policy changed), or its
    stage is not its level's (a drag the run puts back)."""
    if level != row.collection_level_id:
        return True
    return bool(level and level.stage_id and level.stage_id != row.stage_id)


def reminder_due(row, today):
    """A reminder step of the case's level is due today or was due and waits
    (the run keeps each case's next reminder date, ``next_reminder_date``;
    a paused case keeps today's)."""
    return bool(row.next_reminder_date and row.next_reminder_date <= today)


def may_ask_recovery_decision(row, dpd):
    """Rule (solar policy, evaluation / clawback): the case may reach a recovery
    threshold (``recovery.due_for_evaluation`` decides, from its invoices)."""
    if row.collection_recovery_state or not row.collection_policy_id.recovery_evaluation:
        return False
    company = row.company_id
    return dpd >= min(
        company.collection_recovery_downpayment_days, company.collection_recovery_days
    )


def routing_moves(row, dpd, rules, handed_over_team_ids):
    """Rule (ownership rules): the first matching rule for the case's days past
    due today and its customer's tags names another team (cases handed over to a
    later-stage team are left where they are, as ``routing.route_cases`` does)."""
    if not rules or row.stage_id.closed:
        return False
    if (
        row.collection_escalation_date
        or row.team_id.is_legal_team
        or row.team_id.id in handed_over_team_ids
    ):
        return False
    for rule in rules:
        if rule.company_id == row.company_id and rule._matches_values(dpd, row.tag_ids):
            return rule.team_id != row.team_id
    return False


# ----------------------------------------------------------------------
# Reasons read per customer
# ----------------------------------------------------------------------


def cases_with_queued_reminders(env, case_ids):
    """Cases (ids) with a reminder logged and not sent yet (contact hours, a
    retry due): the batch sends them."""
    env.cr.execute(
        SQL(
            "SELECT DISTINCT ticket_id FROM collection_reminder "
            "WHERE state = 'queued' AND ticket_id = ANY(%s)",
            list(case_ids),
        )
    )
    return {case_id for (case_id,) in env.cr.fetchall()}


def customers_with_service_issue(env):
    """Rule (solar policy, Service issues): (company id, customer id) with an
    open ticket of a service-issue category of some policy: their reminder
    steps change (``reminders.service_step_dormant``)."""
    categories = env["collection.policy"].sudo().search([]).service_issue_category_ids
    if not categories:
        return set()
    tickets = (
        env["helpdesk.ticket"]
        .sudo()
        .search_fetch(
            [
                ("category_id", "in", categories.ids),
                ("stage_id.closed", "=", False),
                ("collection_case", "=", False),
            ],
            ["company_id", "commercial_partner_id"],
        )
    )
    return {(ticket.company_id.id, ticket.commercial_partner_id.id) for ticket in tickets}


def cases_paused(env, case_ids, today):
    """Cases (ids) whose reminders wait, by the case's own rule
    (``collection.ticket.desk._collection_reminders_paused``: an open promise, a
    running payment plan, a settlement, an exception of the customer running
    today). The batch keeps today as their next reminder date, so that they are
    looked at every day while they wait. Only the customer column is read first,
    for any number of cases."""
    cases = env["helpdesk.ticket"].sudo().browse(case_ids)
    cases.fetch(["commercial_partner_id"])
    return set(cases._collection_reminders_paused(today).ids)


def customers_in_settlement(env):
    """Rule (lending flow, settlement): (company id, customer id) with a
    settlement proposed or approved on an open case: the batch holds their
    cases and accrues no penal charge."""
    rows = (
        env["collection.settlement"]
        .sudo()
        ._read_group(
            [
                ("state", "in", ["to_approve", "approved"]),
                ("ticket_id.stage_id.closed", "=", False),
            ],
            ["company_id", "partner_id"],
        )
    )
    return {(company.id, partner.id) for company, partner in rows}


# ----------------------------------------------------------------------
# The quiet customers
# ----------------------------------------------------------------------


def quiet_keys(env, keys, groups, cases, today):
    """The keys of ``keys`` whose customer (company, commercial partner) needs
    nothing from the batch steps today, with their rows: {key: CaseRow}."""
    rows = read_case_rows(env, {key: cases[key] for key in keys if key in cases and key in groups})
    if not rows:
        return {}
    busy = customers_with_service_issue(env) | customers_in_settlement(env)
    case_ids = [row.id for row in rows.values()]
    queued = cases_with_queued_reminders(env, case_ids)
    paused = cases_paused(env, case_ids, today)
    partners = env["res.partner"].browse({key[1] for key in rows})
    defaults, own = policies(env, partners)
    rules = env["collection.routing.rule"].sudo().search([])
    handed_over_team_ids = set(
        env["collection.policy.level"]
        .sudo()
        .search([("hand_over_team_id", "!=", False)])
        .hand_over_team_id.ids
    )
    check = QuietCheck(defaults, own, rules, handed_over_team_ids, today)
    by_customer = defaultdict(list)
    for key in keys:
        by_customer[(key[0], key[1])].append(key)
    quiet = {}
    for customer, customer_keys in by_customer.items():
        if customer in busy:
            continue
        customer_rows = [rows.get(key) for key in customer_keys]
        if not all(customer_rows):
            continue  # a case to open or to close
        if any(
            row.id in queued or row.id in paused or check.needs_batch(row, groups[row.key])
            for row in customer_rows
        ):
            continue
        quiet.update((row.key, row) for row in customer_rows)
    return quiet


class QuietCheck:
    """The reasons above for one case, with what they read of the few
    policies, levels and companies remembered once for all the cases."""

    def __init__(self, defaults, own, rules, handed_over_team_ids, today):
        self.defaults, self.own, self.today = defaults, own, today
        self.rules, self.handed_over_team_ids = rules, handed_over_team_ids
        self.levels = {}
        self.roundings = {}

    def level(self, policy, dpd):
        """``policy._level_for_dpd(dpd)``, once per policy and number of days."""
        key = (policy.id, dpd)
        if key not in self.levels:
            self.levels[key] = policy._level_for_dpd(dpd)
        return self.levels[key]

    def rounding(self, company):
        if company.id not in self.roundings:
            self.roundings[company.id] = company.currency_id.rounding
        return self.roundings[company.id]

    def needs_batch(self, row, group):
        policy = policy_for(row.key, self.defaults, self.own)
        level = self.level(policy, group["dpd"]) if policy else None
        return (
            figures_changed(row, group, self.rounding(row.company_id))
            or level_changes(row, level)
            or reminder_due(row, self.today)
            or may_ask_recovery_decision(row, group["dpd"])
            or routing_moves(row, group["dpd"], self.rules, self.handed_over_team_ids)
        )
