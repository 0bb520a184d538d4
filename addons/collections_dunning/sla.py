"""The SLA rule, written once: a promise kept or not against a deadline.

Used by the callback SLA of a collection case, the Asset Recovery SLAs and the
two SLA reports, in Python (a computed field) and in SQL (its search and the
report views), so that a list, a filter and a report never disagree.

The rule, for a deadline, the moment the promise was done (if it was) and now:

- no deadline: no SLA (``False``);
- done by the deadline (done exactly at the deadline included): ``on_time``;
- done after the deadline: ``late``;
- not done and the deadline passed: ``late``;
- not done and the deadline not passed yet (now exactly at it included): ``pending``.
"""

from odoo import fields
from odoo.fields import Domain
from odoo.tools import SQL

SLA_STATES = [("pending", "Pending"), ("on_time", "On Time"), ("late", "Late")]
# What the SQL of a report view compares deadlines with (they are stored in UTC).
SQL_NOW = SQL("(now() AT TIME ZONE 'UTC')")


def sla_state(deadline, done, now):
    """The SLA state of one promise: ``pending``, ``on_time``, ``late`` or False."""
    if not deadline:
        return False
    if done:
        return "on_time" if done <= deadline else "late"
    return "late" if now > deadline else "pending"


def sla_done(*dates):
    """A promise made of several steps is done when the last one is, and only
    once all of them are: the latest date, or False while one is missing."""
    return max(dates) if all(dates) else False


def sla_done_sql(*dates):
    """The SQL of :func:`sla_done`: NULL while a step is missing."""
    if len(dates) == 1:
        return dates[0]
    missing = SQL(" OR ").join(SQL("%s IS NULL", date) for date in dates)
    return SQL("(CASE WHEN %s THEN NULL ELSE GREATEST(%s) END)", missing, SQL(", ").join(dates))


# The rule in SQL: each state's condition is never NULL, so that its negation
# holds exactly for the other states.
_STATE_SQL = {
    False: "(%(deadline)s IS NULL)",
    "on_time": "(%(deadline)s IS NOT NULL AND %(done)s IS NOT NULL AND %(done)s <= %(deadline)s)",
    "late": "(%(deadline)s IS NOT NULL AND ("
    "(%(done)s IS NOT NULL AND %(done)s > %(deadline)s) "
    "OR (%(done)s IS NULL AND %(deadline)s < %(now)s)))",
    "pending": "(%(deadline)s IS NOT NULL AND %(done)s IS NULL AND %(deadline)s >= %(now)s)",
}


def sla_state_sql(state, deadline, done, now):
    """The SQL condition "the SLA state is ``state``" (False: no deadline),
    for SQL expressions (or values) of the deadline, the done date and now."""
    return SQL(_STATE_SQL[state or False], deadline=deadline, done=done, now=now)


def sla_states_sql(states, deadline, done, now):
    """The SQL condition "the SLA state is one of ``states``"."""
    parts = [sla_state_sql(state, deadline, done, now) for state in states]
    return SQL("(%s)", SQL(" OR ").join(parts)) if parts else SQL("FALSE")


def sla_search(operator, value, deadline_field, done_fields):
    """The domain of a ``search=`` method of an SLA state field, which is
    computed from the deadline field and the done date field(s)."""
    if operator not in ("in", "not in"):
        return NotImplemented

    def to_sql(model, alias, query):
        deadline = model._field_to_sql(alias, deadline_field, query)
        done = sla_done_sql(*(model._field_to_sql(alias, name, query) for name in done_fields))
        return sla_states_sql(value, deadline, done, fields.Datetime.now())

    domain = Domain.custom(to_sql=to_sql)
    return domain if operator == "in" else ~domain
