from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2031, 5, 1)


def day(n):
    return DUE + timedelta(days=n)


@tagged("post_install", "-at_install")
class TestSnapshotBackfill(CollectionsCommon):
    """The days before a case's first snapshot are rebuilt from its customer's
    invoices, as the daily run would have written them."""

    def test_history_rebuilt_from_invoices(self):
        with freeze_time(DUE):
            first = self._create_invoice(self.customer, DUE, 300.0)
            self._create_invoice(self.customer, day(5), 200.0)
        self._pay(first, date=day(12))
        with freeze_time(f"{day(30)} 10:00:00"):
            self.env["collection.policy"]._cron_run()
        case = self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )
        Snapshot = self.env["collection.snapshot"]
        run_day = Snapshot.search([("ticket_id", "=", case.id)])
        self.assertEqual(run_day.date, day(30))

        with freeze_time(f"{day(30)} 11:00:00"):
            Snapshot._backfill(40, case)

        history = {s.date: s for s in Snapshot.search([("ticket_id", "=", case.id)])}
        self.assertNotIn(DUE, history, "nothing was overdue on the due date itself")
        self.assertEqual((history[day(3)].dpd, history[day(3)].amount_overdue), (3, 300.0))
        self.assertEqual(history[day(3)].bucket, "L1")
        self.assertEqual((history[day(10)].dpd, history[day(10)].amount_overdue), (10, 500.0))
        self.assertEqual(history[day(10)].bucket, "L2")
        # the first invoice paid on day 12: the second one, due on day 5, is what is left
        self.assertEqual((history[day(12)].dpd, history[day(12)].amount_overdue), (7, 200.0))
        self.assertEqual(history[day(30)], run_day, "the run's own day is kept")
        self.assertEqual(len(history), 30)
