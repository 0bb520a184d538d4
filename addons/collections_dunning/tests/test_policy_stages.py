from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPolicyStages(TransactionCase):
    """Every level of every policy the add-ons ship (and of the demo policies, when
    the demo is loaded) is a column of the Collections Kanban: a case never sits in
    the team's first column because its level has no bucket stage."""

    def test_every_shipped_level_has_a_bucket_stage(self):
        policy_ids = (
            self.env["ir.model.data"]
            .search(
                [
                    ("model", "=", "collection.policy"),
                    ("module", "in", ["collections_dunning", "collections_art"]),
                ]
            )
            .mapped("res_id")
        )
        policies = self.env["collection.policy"].browse(policy_ids).exists()
        self.assertTrue(policies, "the add-ons ship at least one policy")
        for level in policies.level_ids:
            with self.subTest(policy=level.policy_id.name, level=level.code):
                self.assertTrue(level.stage_id, "level without a Kanban column")
                self.assertFalse(level.stage_id.closed)
                self.assertIn(level._get_team(), level.stage_id.team_ids)
