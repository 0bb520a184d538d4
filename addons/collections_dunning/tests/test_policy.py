from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPolicy(CollectionsCommon):
    def _policy(self, *levels):
        return self.env["collection.policy"].create(
            {
                "name": "Test policy",
                "level_ids": [
                    Command.create({"code": code, "name": code, "dpd_from": start, "dpd_to": end})
                    for code, start, end in levels
                ],
            }
        )

    def test_seeded_policy_follows_the_sop(self):
        policy = self.env.ref("collections_dunning.policy_sop")
        self.assertTrue(policy.is_default)
        self.assertEqual(
            [(lvl.code, lvl.dpd_from, lvl.dpd_to) for lvl in policy.level_ids],
            [("L1", 1, 6), ("L2", 7, 60), ("L3", 61, 0)],
        )
        # only the add-on that runs the next team's work names it (Asset Recovery)
        self.assertFalse(policy.level_ids[:2].hand_over_team_id)
        self.assertEqual(policy._level_for_dpd(6).code, "L1")
        self.assertEqual(policy._level_for_dpd(7).code, "L2")
        self.assertEqual(policy._level_for_dpd(60).code, "L2")
        self.assertEqual(policy._level_for_dpd(61).code, "L3")
        self.assertEqual(policy._level_for_dpd(400).code, "L3")
        self.assertFalse(policy._level_for_dpd(0))

    def test_overlapping_levels_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self._policy(("A", 1, 10), ("B", 8, 20))

    def test_level_after_unbounded_level_overlaps(self):
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self._policy(("A", 1, 0), ("B", 30, 0))

    def test_gapped_levels_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "days 11 to 14 past due belong to no level"):
            self._policy(("A", 1, 10), ("B", 15, 0))

    def test_editing_one_level_into_a_gap_is_refused(self):
        policy = self._policy(("A", 1, 10), ("B", 11, 0))
        with self.assertRefused(ValidationError, "belong to no level"):
            policy.level_ids.filtered(lambda lvl: lvl.code == "A").dpd_to = 8
        self.env.invalidate_all()
        self.assertEqual(policy.level_ids.sorted("dpd_from")[0].dpd_to, 10)

    def test_level_ending_before_it_starts_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "ends"):
            self._policy(("A", 5, 3))

    def test_one_default_policy_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["collection.policy"].create({"name": "Second default", "is_default": True})
            self.env.flush_all()
        self.env["collection.policy"].create({"name": "Not default"})

    def test_step_needs_template_for_its_channel(self):
        policy = self._policy(("A", 1, 0))
        with self.assertRaisesRegex(ValidationError, "needs a template"):
            self.env["collection.reminder.step"].create(
                {"level_id": policy.level_ids.id, "channel": "sms", "day_offset": 0}
            )

    def test_stage_must_belong_to_the_level_team(self):
        other_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Recovery", "is_collection_team": True}
        )
        policy = self._policy(("A", 1, 0))
        with self.assertRaisesRegex(ValidationError, "is not a stage of team"):
            policy.level_ids.write(
                {
                    "team_id": other_team.id,
                    "stage_id": self.env.ref("collections_dunning.helpdesk_stage_l1").id,
                }
            )

    def test_demo_policies_are_valid_configurations(self):
        """The lending flow and the solar policy thresholds load as policies."""
        lending = self._policy(
            ("D1", 1, 2), ("D2", 3, 5), ("D3", 6, 9), ("D4", 10, 89), ("D5", 90, 0)
        )
        self.assertEqual(lending._level_for_dpd(7).code, "D3")
        self.assertEqual(lending._level_for_dpd(90).code, "D5")

    def test_seeded_l3_hands_over_to_asset_recovery_when_installed(self):
        team = self.env.ref("collections_art.helpdesk_team_art", raise_if_not_found=False)
        if not team:
            self.skipTest("Asset Recovery is not installed")
        level = self.env.ref("collections_dunning.policy_sop_l3")
        self.assertEqual(level.hand_over_team_id, team)
