"""The reminder steps the daily run logs for each case."""


def skips_unpaid_only_step(step, ticket):
    """Rule (Collection SOP, Level 1 and 2): "Personalized follow-up if no payment
    is received within 3 days" and "Reminders are sent on days 15, 30, and 45 if
    no payment is made." A step marked *only if unpaid* is skipped once the
    customer paid part of what was overdue when the case entered its level."""
    return step.only_if_unpaid and ticket.amount_overdue < ticket.collection_level_amount


def service_step_dormant(step, issue):
    """Rule (solar policy, Service issues): the customer "will go into the
    "Service Issue" classification to receive appropriate messages": a
    service-issue step is for a customer with an open service issue (``issue``,
    the service ticket) only. Without one the step is dormant: neither logged nor
    upcoming, so it goes on the first run after a service ticket opens while the
    case is in its level (once per case and level, as every step)."""
    return step.message_set == "service_issue" and not issue


def service_issue_holds_step(step, issue):
    """Rule (solar policy, Service issues): a customer with an open service issue
    receives the service-issue messages, "although they still have to pay their
    fees": no payment demand goes while the service ticket ``issue`` is open.

    A payment step that comes due while the issue is open is logged *skipped*,
    with the service ticket as the reason: skipped for good, so closing the
    ticket never releases a backlog of stale demands at once; payment reminders
    resume with the steps due after the ticket is closed. A payment step logged
    queued before the issue opened is checked again when it is sent
    (``collection.reminder._collection_service_issue_conflict``). Only the messages change:
    the case is still opened, billed, refreshed and moves through its levels,
    since the seed keeps the customer paying."""
    return step.message_set == "payment" and bool(issue)


def plan_reminders(tickets, done, paused, today, service_issues=None):
    """The reminders now due, as values to create, and each case's next reminder
    date (None when no step is left).

    A step is due from its date in the level (never before the case entered the
    level) and logged once per case (``done`` holds the (case, step) pairs
    already logged); the cases in ``paused`` wait, their steps stay upcoming.
    ``service_issues`` ({case id: open service ticket}, read in one query when
    not given) chooses between the payment and the service-issue steps.
    """
    if service_issues is None:
        service_issues = tickets._collection_service_issues()
    vals_list = []
    next_dates = {}
    for ticket in tickets:
        upcoming = []
        issue = service_issues.get(ticket.id)
        for step in ticket.collection_level_id.step_ids:
            due = step._due_date(ticket.collection_level_date, ticket.collection_due_date)
            if not due or due < ticket.collection_level_date:
                continue
            if service_step_dormant(step, issue):
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
            if service_issue_holds_step(step, issue):
                vals.update(
                    state="skipped",
                    reason=tickets.env._(
                        "Service issue open: %s. No payment demand while it is open; "
                        "the customer is still billed.",
                        issue.display_name,
                    ),
                )
            elif skips_unpaid_only_step(step, ticket):
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
