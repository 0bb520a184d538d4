"""The run log as a batch job sees it: counts kept in memory, added once."""

from collections import Counter


class JobCounts:
    """Stands in for the run's ``collection.run.log`` inside a batch job.

    Batch jobs run at the same time on one log row; in Odoo's REPEATABLE READ
    transactions, a job that updates the row after another job committed its
    own update fails to serialize. So a job keeps its counts here while it
    works and adds them to the log once, in a transaction of their own (see
    ``collection.run._queue_add_counts``); skipped customers are recorded on
    the log itself (their rows only reference it).
    """

    def __init__(self, log):
        self.log = log
        self.counts = Counter()

    def _add(self, **counts):
        self.counts.update({name: value for name, value in counts.items() if value})

    def _record_error(self, partner, company, error):
        return self.log._record_error(partner, company, error)
