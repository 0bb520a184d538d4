from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..sla import sla_done, sla_done_sql, sla_state, sla_state_sql
from .common import CollectionsCommon

DEADLINE = datetime(2026, 3, 2, 10, 30)
BEFORE, AFTER = DEADLINE - timedelta(minutes=1), DEADLINE + timedelta(minutes=1)
# (deadline, done, now) -> state: the rule's boundaries
CASES = [
    ((False, False, AFTER), False),
    ((False, BEFORE, AFTER), False),
    ((DEADLINE, BEFORE, AFTER), "on_time"),
    ((DEADLINE, DEADLINE, AFTER), "on_time"),  # done exactly at the deadline
    ((DEADLINE, AFTER, AFTER), "late"),
    ((DEADLINE, False, BEFORE), "pending"),
    ((DEADLINE, False, DEADLINE), "pending"),  # now exactly at the deadline
    ((DEADLINE, False, AFTER), "late"),
]


@tagged("post_install", "-at_install")
class TestSlaRule(TransactionCase):
    def _sql_states(self, deadline, done, now):
        """The states whose SQL condition holds for these values."""
        args = [SQL("%s::timestamp", value or None) for value in (deadline, done, now)]
        states = [False, "pending", "on_time", "late"]
        self.env.cr.execute(
            SQL("SELECT %s", SQL(", ").join(sla_state_sql(state, *args) for state in states))
        )
        return [state for state, holds in zip(states, self.env.cr.fetchone(), strict=True) if holds]

    def test_python_rule(self):
        for (deadline, done, now), state in CASES:
            with self.subTest(deadline=deadline, done=done, now=now):
                self.assertEqual(sla_state(deadline, done, now), state)

    def test_sql_rule_agrees_and_never_null(self):
        for (deadline, done, now), state in CASES:
            with self.subTest(deadline=deadline, done=done, now=now):
                self.assertEqual(self._sql_states(deadline, done, now), [state])

    def test_done_once_every_step_is(self):
        self.assertEqual(sla_done(BEFORE, AFTER), AFTER)
        self.assertFalse(sla_done(BEFORE, False))
        for first, second in ((BEFORE, AFTER), (BEFORE, None), (None, None)):
            with self.subTest(first=first, second=second):
                self.env.cr.execute(
                    SQL(
                        "SELECT %s",
                        sla_done_sql(SQL("%s::timestamp", first), SQL("%s::timestamp", second)),
                    )
                )
                self.assertEqual(self.env.cr.fetchone()[0], sla_done(first, second) or None)


@tagged("post_install", "-at_install")
class TestCallbackSlaBoundaries(CollectionsCommon):
    def _check(self, ticket, state):
        ticket.invalidate_recordset(["callback_sla_state"])
        self.assertEqual(ticket.callback_sla_state, state)
        Ticket = self.env["helpdesk.ticket"]
        self.assertEqual(
            Ticket.search([("callback_sla_state", "=", state), ("id", "=", ticket.id)]), ticket
        )
        self.assertFalse(
            Ticket.search([("callback_sla_state", "!=", state), ("id", "=", ticket.id)])
        )

    def test_boundaries_in_compute_and_search(self):
        with freeze_time("2026-03-02 10:00:00"):
            ticket = self._create_ticket()
            self._check(ticket, False)
            self._transfer(ticket)
        deadline = ticket.callback_deadline
        with freeze_time(deadline):
            self._check(ticket, "pending")
            ticket._collection_register_contact(deadline)
            self._check(ticket, "on_time")
