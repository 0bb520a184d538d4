"""Repository-level checks on the installed database: what a user sees first."""

from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstallation(TransactionCase):
    def test_both_addons_are_installed(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["collections_dunning", "collections_art"])]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 2)

    def test_ticket_form_shows_purifier_and_transfer_button(self):
        arch = self.env["helpdesk.ticket"].get_view(view_type="form")["arch"]
        form = etree.fromstring(arch)
        self.assertTrue(form.xpath("//field[@name='purifier_id']"))
        button = form.xpath("//header/button[@name='action_transfer_to_collections']")
        self.assertEqual(button[0].get("string"), "Transfer to Collections")

    def test_seeded_categories_split_payment_from_technical(self):
        categories = self.env["helpdesk.ticket.category"].search(
            [
                (
                    "id",
                    "in",
                    [
                        self.env.ref(f"collections_dunning.helpdesk_category_{name}").id
                        for name in (
                            "billing_cycle",
                            "service_pause",
                            "payment_issue",
                            "discount_offer",
                            "sync_issue",
                            "wifi_problem",
                            "referral_issue",
                        )
                    ],
                )
            ]
        )
        eligible = categories.filtered("collection_eligible").mapped("name")
        self.assertEqual(len(eligible), 4)
        self.assertEqual(
            sorted(categories.filtered(lambda c: not c.collection_eligible).mapped("name")),
            ["Referral issue", "Sync issue", "WiFi problem"],
        )

    def test_company_points_at_the_seeded_teams(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(
            company.collection_team_id,
            self.env.ref("collections_dunning.helpdesk_team_collections"),
        )
        self.assertTrue(company.collection_team_id.is_collection_team)
        self.assertFalse(company.collection_support_team_id.is_collection_team)
        self.assertEqual(company.collection_callback_delay, 30)
