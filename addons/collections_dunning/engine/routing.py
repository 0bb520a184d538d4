"""Ownership rules applied by the daily run."""

from collections import defaultdict


def route_cases(tickets):
    """Give each open case to the team its first matching ownership rule names,
    keeping its bucket stage: the case changes owner, not days past due. Cases
    handed over to a later-stage team are left where they are
    (``collection.routing.rule._collection_handed_over_cases``)."""
    env = tickets.env
    rules = env["collection.routing.rule"].sudo().search([])
    if not rules:
        return
    moves = defaultdict(tickets.browse)
    open_cases = tickets.filtered(lambda t: not t.stage_id.closed)
    open_cases -= rules._collection_handed_over_cases(open_cases)
    for ticket in open_cases:
        rule = rules._target(ticket)
        if rule and ticket.team_id != rule.team_id:
            moves[(rule, ticket.stage_id)] |= ticket
    for (rule, stage), moved in moves.items():
        previous = {ticket.id: ticket.team_id.display_name for ticket in moved}
        moved.write({"team_id": rule.team_id.id, "stage_id": stage.id})
        moved._message_log_batch(
            bodies={
                ticket.id: env._(
                    "Owner changed from %(old)s to %(new)s by the rule %(rule)s.",
                    old=previous[ticket.id] or "-",
                    new=rule.team_id.display_name,
                    rule=rule.name,
                )
                for ticket in moved
            }
        )
