from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DUE, ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtHandover(ArtCommon):
    """Hand-over at day 61 and the officer's validation."""

    def test_handover_at_day_61(self):
        self._run(60)
        self.assertFalse(self._art_case())
        self._run(61)
        case = self._art_case()
        self.assertEqual(len(case), 1)
        source = case.art_source_ticket_id
        self.assertTrue(source.collection_case)
        self.assertEqual(source.collection_level_id.code, "L3")
        self.assertEqual(case.team_id, self.team_art)
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_received"))
        self.assertEqual(case.user_id, self.officer)
        self.assertEqual(case.purifier_id, "PUR-000123")
        self.assertEqual(case.amount_overdue, 2400.0)
        self.assertEqual(case.overdue_invoice_ids, self.invoice)
        self.assertEqual(case.art_validation_deadline, at(61) + timedelta(hours=24))
        notes = [b for b in source.message_ids.mapped("body") if "Handed over to" in b]
        self.assertEqual(len(notes), 1, "one note for the hand-over")
        self.assertIn(self.team_art.name, notes[0])
        self.assertIn(f"Asset Recovery case: {case.number}.", notes[0])
        self._run(62)
        self._run(63)
        self.assertEqual(len(self._art_case()), 1)

    def test_late_validation_alerts_manager_once(self):
        self._run(61)
        case = self._art_case()
        with freeze_time(at(62, 9)):
            self.assertEqual(case.art_validation_sla_state, "pending")
        with freeze_time(at(62, 11)):
            case.invalidate_recordset(["art_validation_sla_state"])
            self.assertEqual(case.art_validation_sla_state, "late")
            late = self.env["helpdesk.ticket"].search([("art_validation_sla_state", "=", "late")])
            self.assertIn(case, late)
            self.env["helpdesk.ticket"]._cron_art_sla()
            self.env["helpdesk.ticket"]._cron_art_sla()
        alerts = case.activity_ids.filtered(lambda a: "Late validation" in (a.summary or ""))
        self.assertEqual(len(alerts), 1)
        self.assertEqual(alerts.user_id, self.art_manager)
        with freeze_time(at(62, 12)):
            case.with_user(self.officer).action_art_validate()
        self.assertEqual(case.art_validation_sla_state, "late")

    def test_validation_needs_the_asset_on_record(self):
        self._run(61)
        case = self._art_case()
        case.purifier_id = False
        with self.assertRaisesRegex(UserError, "asset is not on record"):
            case.with_user(self.officer).action_art_validate()

    def test_full_payment_closes_art_case(self):
        self._run(61)
        case = self._art_case()
        with freeze_time(at(65)):
            self._pay(self.invoice, date=DUE + timedelta(days=65))
        self._run(65)
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_paid"))
