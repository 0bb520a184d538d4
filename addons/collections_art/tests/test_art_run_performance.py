from freezegun import freeze_time

from odoo.tests import tagged

from .common import DUE, ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtRunPerformance(ArtCommon):
    """Issue 13: a first run that opens cases straight into the level that hands
    them over to Asset Recovery costs the same number of queries for 3 or 12
    customers: no query per case for the Asset Recovery cases' numbers, their
    creation or the hand-over notes on the collection cases."""

    # The dunning run's fixed cost (see test_run_performance) plus the hand-over:
    # one query for all new case numbers, the Asset Recovery cases' grouped
    # INSERTs, one INSERT of all hand-over notes (one note per case, naming its Asset
    # Recovery case). Measured at 90 for 3 and for 12 customers (it was 98 and 125
    # with one sequence call and two notes per case). 94 since the run reads the
    # settings revision and its customers by chunk (test_run_performance says why).
    # 95 since the handed-over cases' invoices are read in one query of their own
    # (the field's read took the whole batch's, a prefetch batch at a time).
    HAND_OVER_QUERIES = 95

    def _measure(self, count):
        partners = self._overdue_households(count, [DUE])
        with self.assertQueryCount(__system__=self.HAND_OVER_QUERIES), freeze_time(at(61)):
            self.env["collection.policy"]._cron_run()
        art_cases = self.env["helpdesk.ticket"].search(
            [("is_art_case", "=", True), ("partner_id", "in", partners.ids)]
        )
        self.assertEqual(len(art_cases), count, "every customer's case was handed over")
        self.assertEqual(len(set(art_cases.mapped("number"))), count, "each has its own number")
        self.assertNotIn("/", art_cases.mapped("number"))
        for case in art_cases:
            notes = [
                body
                for body in case.art_source_ticket_id.message_ids.mapped("body")
                if "Handed over to" in body
            ]
            self.assertEqual(len(notes), 1)
            self.assertIn(f"Asset Recovery case: {case.number}.", notes[0])

    def test_hand_over_query_count_3_customers(self):
        self._measure(3)

    def test_hand_over_query_count_12_customers(self):
        self._measure(12)
