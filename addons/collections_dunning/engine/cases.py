"""Opening, refreshing, moving and closing the cases of one batch of customers."""

from collections import defaultdict

from markupsafe import Markup

from odoo import Command
from odoo.tools import format_amount

from .. import bulk_sql
from .batch import CasePlan
from .overdue import policies, policy_for


def plan_cases(Ticket, keys, groups, cases):
    """Decide what becomes of each customer of the batch, before writing anything:
    a case to open, figures and invoices to refresh, a level to enter, a stage to
    put back, or a case to close."""
    partners = Ticket.env["res.partner"].browse({key[1] for key in keys})
    defaults, own = policies(Ticket.env, partners)
    plan = CasePlan(
        moves=defaultdict(Ticket.browse),
        fixes=defaultdict(Ticket.browse),
        closing=Ticket.browse(),
        cases=Ticket.browse([cases[key].id for key in keys if key in cases]),
    )
    invoices = bulk_sql.many2many_ids(Ticket, "overdue_invoice_ids", plan.cases.ids)
    for key in keys:
        group, case = groups.get(key), cases.get(key)
        if not group:
            plan.closing |= case
            continue
        policy = policy_for(key, defaults, own)
        level = policy._level_for_dpd(group["dpd"]) if policy else None
        if not case:
            if level:
                plan.to_create.append((group, level))
            continue
        plan.figures[case.id] = group
        if set(invoices.get(case.id, ())) != set(group["invoice_ids"]):
            plan.invoices[case.id] = group["invoice_ids"]
        if level and case.collection_level_id != level:
            plan.moves[level] |= case
        elif level and level.stage_id and case.stage_id != level.stage_id:
            plan.fixes[level] |= case
    plan.to_create, plan.waiting = awaiting_welcome_call(Ticket.env, plan.to_create)
    return plan


def awaiting_welcome_call(env, to_create):
    """Rule (solar policy, Prepayments / Down payments): "1st payment of a
    financed prepayment/down payment should happen before the collection team
    needs to be engaged. Collection team should only focus on projects that have
    had a Welcome Call and customers need to make their first payment of a
    downpayment to get a Welcome Call."

    Under a policy with ``downpayment_entry_gate``, a customer whose overdue
    invoices include a downpayment gets no case until its welcome call is
    recorded (``collection_welcome_call_date``) or a downpayment invoice of its
    company has a payment. Splits the cases to open into (to open, waiting); one
    grouped query, and only when a customer waits on the gate."""
    gated = [
        index
        for index, (group, level) in enumerate(to_create)
        if level.policy_id.downpayment_entry_gate
        and group.get("downpayment")
        and not group["partner"].collection_welcome_call_date
    ]
    if not gated:
        return to_create, []
    customers = {index: _customer(to_create[index][0]) for index in gated}
    paid = first_downpayment_paid(env, set(customers.values()))
    waiting = {index for index, customer in customers.items() if customer not in paid}
    return (
        [item for index, item in enumerate(to_create) if index not in waiting],
        [to_create[index] for index in sorted(waiting)],
    )


def _customer(group):
    return (group["company"].id, group["partner"].id)


def first_downpayment_paid(env, customers):
    """The (company id, customer id) pairs among ``customers`` with a payment on
    one of their downpayment invoices (paid in full or in part), in one query."""
    Move = env["account.move"].sudo()
    rows = Move._read_group(
        domain=[
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("is_downpayment", "=", True),
            ("payment_state", "in", ("partial", "in_payment", "paid")),
            ("company_id", "in", list({company_id for company_id, _p in customers})),
            ("commercial_partner_id", "in", list({partner_id for _c, partner_id in customers})),
        ],
        groupby=["company_id", "commercial_partner_id"],
    )
    return {(company.id, partner.id) for company, partner in rows} & set(customers)


def refresh_figures(Ticket, figures, entering):
    """Days past due and amounts of existing cases, in one UPDATE. The amount a
    case entered its level with is set again only when it enters a level now."""
    bulk_sql.update_rows(
        Ticket,
        {
            ticket_id: {
                "collection_dpd": group["dpd"],
                "amount_overdue": group["amount"],
                "collection_due_date": group["oldest_due"],
                "collection_level_amount": group["amount"] if ticket_id in entering else None,
            }
            for ticket_id, group in figures.items()
        },
    )


def refresh_invoices(Ticket, invoices):
    """Overdue invoices of existing cases, in two statements."""
    bulk_sql.replace_many2many(Ticket, "overdue_invoice_ids", invoices)


def _case_values(env, group, level, team, agent, number, today):
    partner = group["partner"]
    stage = level.stage_id or team._get_applicable_stages()[:1]
    device = f" ({group['purifier']})" if group["purifier"] else ""
    return {
        "number": number,
        "name": env._("Overdue: %s", partner.name) + device,
        "description": Markup("<p>%s</p>") % env._("Opened by the daily collection run."),
        "partner_id": partner.id,
        # what helpdesk's own form fills in for a ticket's customer
        "partner_name": partner.name,
        "partner_email": partner.email,
        "company_id": group["company"].id,
        "team_id": team.id,
        "stage_id": stage.id,
        "user_id": agent.id,
        "purifier_id": group["purifier"],
        "collection_case": True,
        "collection_policy_id": level.policy_id.id,
        "collection_level_id": level.id,
        "collection_level_date": today,
        "collection_level_amount": group["amount"],
        "collection_dpd": group["dpd"],
        "collection_due_date": group["oldest_due"],
        "amount_overdue": group["amount"],
        "overdue_invoice_ids": [Command.set(group["invoice_ids"])],
    }


def create_cases(Ticket, to_create, today):
    """A case for each customer (and device) overdue without one, in its level's
    team, given to the agents by the team's assignment method."""
    if not to_create:
        return Ticket.browse()
    env = Ticket.env
    numbers = bulk_sql.reserve_numbers(env, "helpdesk.ticket.sequence", len(to_create))
    by_team = defaultdict(list)
    for group, level in to_create:
        by_team[level._get_team()].append((group, level))
    vals_list = []
    for team, items in by_team.items():
        agents = team._collection_assign_cases(
            [(group["partner"], level) for group, level in items]
        )
        for (group, level), agent in zip(items, agents, strict=True):
            vals_list.append(_case_values(env, group, level, team, agent, numbers.pop(), today))
    created = Ticket.create(vals_list)
    created._message_log_batch(
        bodies={
            ticket.id: env._(
                "Case opened in %(level)s: %(dpd)s days past due, %(amount)s overdue.",
                level=ticket.collection_level_id.display_name,
                dpd=ticket.collection_dpd,
                amount=format_amount(env, ticket.amount_overdue, ticket.company_currency_id),
            )
            for ticket in created
        }
    )
    return created


def move_cases(moves, today):
    """Cases whose days past due reached another level enter it: its stage, and its
    team when the level names another one."""
    for level, tickets in moves.items():
        team = level._get_team()
        vals = {
            "collection_level_id": level.id,
            "collection_policy_id": level.policy_id.id,
            "collection_level_date": today,
        }
        if level.stage_id:
            vals["stage_id"] = level.stage_id.id
        if team and team != tickets.team_id:
            vals["team_id"] = team.id
        tickets.write(vals)
        tickets._message_log_batch(
            bodies={
                ticket.id: tickets.env._(
                    "Moved to %(level)s: %(dpd)s days past due.",
                    level=level.display_name,
                    dpd=ticket.collection_dpd,
                )
                for ticket in tickets
            }
        )


def fix_stages(fixes):
    """Rule: the stage of a collection case follows its days past due. A drag to a
    stage that contradicts them is undone, with the reason on the case."""
    for level, tickets in fixes.items():
        wrong = {ticket.id: ticket.stage_id.name for ticket in tickets}
        tickets.write({"stage_id": level.stage_id.id})
        tickets._message_log_batch(
            bodies={
                ticket.id: tickets.env._(
                    "Moved back from %(wrong)s to %(stage)s: the case is %(dpd)s days "
                    "past due, which is level %(level)s. The stage of a collection "
                    "case follows its days past due.",
                    wrong=wrong[ticket.id],
                    stage=level.stage_id.name,
                    dpd=ticket.collection_dpd,
                    level=level.code,
                )
                for ticket in tickets
            }
        )


def close_paid_cases(tickets):
    """Rule: nothing overdue any more, the case goes to its policy's Paid stage
    (else its team's first closed stage), with nothing overdue and no reminder due."""
    if not tickets:
        return
    by_stage = defaultdict(tickets.browse)
    for ticket in tickets:
        stage = (
            ticket.collection_policy_id.paid_stage_id
            or (ticket.team_id._get_applicable_stages().filtered("closed")[:1])
        )
        by_stage[stage] |= ticket
    for stage, stage_tickets in by_stage.items():
        stage_tickets.write(
            {"stage_id": stage.id, "amount_overdue": 0.0, "next_reminder_date": False}
        )
    # one DELETE (the ORM's write reads every case's invoices first)
    bulk_sql.replace_many2many(tickets, "overdue_invoice_ids", dict.fromkeys(tickets.ids, ()))
    tickets._message_log_batch(
        bodies={
            ticket.id: tickets.env._("Nothing is overdue any more: case closed as paid.")
            for ticket in tickets
        }
    )
