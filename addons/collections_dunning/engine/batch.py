from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class CasePlan:
    """What becomes of the cases of one batch, decided before anything is written."""

    to_create: list = field(default_factory=list)  # (overdue group, level) without a case
    figures: dict = field(default_factory=dict)  # case id -> its overdue group
    invoices: dict = field(default_factory=dict)  # case id -> overdue invoice ids, if changed
    moves: dict = field(default_factory=dict)  # level -> cases entering it
    fixes: dict = field(default_factory=dict)  # level -> cases dragged out of its stage
    closing: Any = None  # cases with nothing overdue any more
    cases: Any = None  # the open cases of the batch, before the run
    waiting: list = field(default_factory=list)  # (group, level) waiting for the welcome call


@dataclass
class RunBatch:
    """What the steps of the daily run hand each other about one batch of customers.

    The first steps fill ``plan``, ``tickets``, ``created``, ``entered`` and
    ``closed``; the reminder step fills ``logged`` and ``queued`` (sent once the
    batch is saved); ``counts`` is added to the run log at the end.
    """

    keys: list  # (company id, commercial partner id, device serial or False)
    groups: dict  # key -> overdue group (see overdue.overdue_groups)
    cases: dict  # key -> open case
    today: date
    log: Any  # collection.run.log
    plan: CasePlan | None = None
    tickets: Any = None  # the batch's cases still open after the case steps
    created: Any = None  # cases opened in this batch
    entered: Any = None  # cases that entered a level in this batch (opened or moved)
    closed: Any = None  # cases closed as paid in this batch
    settling: Any = None  # cases whose customer is in a settlement: off the recovery path
    logged: Any = None  # reminders logged in this batch
    queued: Any = None  # reminders to send once the batch is saved
    counts: dict = field(default_factory=dict)
