"""Penal charges accrued by the daily run."""

from datetime import timedelta


def accrued_penal_charge(ticket, today):
    """Rule (lending flow, Additional Notes): "Late Payment Interest: 2% Penal
    Charges, calculated on a daily basis."

    Each day past the policy's grace period since the last run adds the policy's
    daily share of the rate on the overdue residual, up to the policy's cap (a %
    of the overdue). Returns the new total, or None when no day is to be added.
    """
    policy = ticket.collection_policy_id
    first_day = ticket.collection_due_date + timedelta(days=policy.penal_grace_days + 1)
    last_accrued = ticket.penal_accrued_date or first_day - timedelta(days=1)
    start = max(first_day, last_accrued + timedelta(days=1))
    days = (today - start).days + 1
    if days <= 0:
        return None
    accrued = ticket.penal_accrued + ticket.amount_overdue * policy._penal_daily_factor() * days
    if policy.penal_cap_percent:
        accrued = min(accrued, ticket.amount_overdue * policy.penal_cap_percent / 100.0)
    return accrued


def accrual_values(tickets, settling, today):
    """The penal columns to write for ``tickets`` today: the new total of each
    case whose policy charges penal interest; the cases of ``settling`` (a
    customer in a settlement) only move their accrual date on, without a charge,
    so the days spent in a settlement never accrue even if it is rejected later.
    ``tickets`` may also be rows carrying the cases' field names (``quiet.CaseRow``)."""
    values = {}
    settling_ids = set(settling.ids)
    for ticket in tickets:
        if not ticket.collection_policy_id.penal_rate > 0:
            continue
        if ticket.id in settling_ids:
            values[ticket.id] = {"penal_accrued_date": today}
            continue
        accrued = accrued_penal_charge(ticket, today)
        if accrued is not None:
            values[ticket.id] = {"penal_accrued": accrued, "penal_accrued_date": today}
    return values
