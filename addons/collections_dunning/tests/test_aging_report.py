from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2031, 3, 1)


@tagged("post_install", "-at_install")
class TestAgingReport(CollectionsCommon):
    """The open cases in the usual aging columns, beside their level."""

    def test_cases_fall_in_their_aging_columns(self):
        customers = [self.customer] + [
            self.env["res.partner"].create({"name": f"Aging customer {days}"})
            for days in (20, 45, 75, 120)
        ]
        with freeze_time(DUE):
            for customer, days in zip(customers, (3, 20, 45, 75, 120), strict=True):
                self._create_invoice(customer, DUE - timedelta(days=days), 100.0 + days)
        with freeze_time(f"{DUE} 10:00:00"):
            self.env["collection.policy"]._cron_run()
        rows = (
            self.env["collection.aging.report"]
            .with_user(self.manager)
            ._read_group(
                [("partner_id", "in", [c.id for c in customers])],
                ["aging_bucket"],
                ["__count", "amount_overdue:sum"],
            )
        )
        self.assertEqual(
            sorted(rows),
            [("1_30", 2, 223.0), ("31_60", 1, 145.0), ("61_90", 1, 175.0), ("90_plus", 1, 220.0)],
        )
        case = self.env["helpdesk.ticket"].search([("partner_id", "=", self.customer.id)])
        row = self.env["collection.aging.report"].search([("ticket_id", "=", case.id)])
        self.assertEqual((row.level_id, row.dpd), (case.collection_level_id, 3))

    def test_aging_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.env["collection.aging.report"].with_user(self.agent_1).search([])
