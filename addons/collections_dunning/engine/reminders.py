"""The reminder steps the daily run logs for each case."""


def skips_unpaid_only_step(step, ticket):
    """Rule (Collection SOP, Level 1 and 2): "Personalized follow-up if no payment
    is received within 3 days" and "Reminders are sent on days 15, 30, and 45 if
    no payment is made." A step marked *only if unpaid* is skipped once the
    customer paid part of what was overdue when the case entered its level."""
    return step.only_if_unpaid and ticket.amount_overdue < ticket.collection_level_amount


def plan_reminders(tickets, done, paused, today):
    """The reminders now due, as values to create, and each case's next reminder
    date (None when no step is left).

    A step is due from its date in the level (never before the case entered the
    level) and logged once per case (``done`` holds the (case, step) pairs
    already logged); the cases in ``paused`` wait, their steps stay upcoming.
    """
    vals_list = []
    next_dates = {}
    for ticket in tickets:
        upcoming = []
        for step in ticket.collection_level_id.step_ids:
            due = step._due_date(ticket.collection_level_date, ticket.collection_due_date)
            if not due or due < ticket.collection_level_date:
                continue
            if due > today or ticket in paused:
                upcoming.append(max(due, today))
                continue
            if (ticket.id, step.id) in done:
                continue
            vals = {
                "ticket_id": ticket.id,
                "step_id": step.id,
                "channel": step.channel,
                "due_date": due,
            }
            if skips_unpaid_only_step(step, ticket):
                vals.update(
                    state="skipped",
                    reason=tickets.env._(
                        "The customer paid part of the overdue amount since the case entered %s.",
                        ticket.collection_level_id.code,
                    ),
                )
            vals_list.append(vals)
        next_dates[ticket.id] = min(upcoming) if upcoming else None
    return vals_list, next_dates
