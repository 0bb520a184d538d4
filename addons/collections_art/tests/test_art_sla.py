from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DUE, ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtSla(ArtCommon):
    """The ART SLA report."""

    def test_sla_report_counts_deadlines(self):
        case = self._validated_case()  # validated 2 h after receipt
        with freeze_time(at(61, 12)):
            self._flush_outboxes()  # the recovery email goes out: notified
        with freeze_time(at(62, 9)):
            visit = (
                self.env["collection.art.visit"]
                .with_user(self.officer)
                .create({"ticket_id": case.id})
            )
            visit.action_check_in(geo_status="denied")
        row = (
            self.env["collection.art.sla.report"]
            .with_user(self.art_manager)
            .search(
                [
                    ("month", "=", (DUE + timedelta(days=61)).replace(day=1)),
                    ("team_id", "=", self.team_art.id),
                ]
            )
        )
        self.assertEqual(
            (row.case_count, row.validation_on_time, row.validation_late, row.visit_on_time),
            (1, 1, 0, 1),
        )
        self.assertEqual(row.validation_compliance, 100.0)
        with self.assertRaises(AccessError):
            self.env["collection.art.sla.report"].with_user(self.officer).search([])
