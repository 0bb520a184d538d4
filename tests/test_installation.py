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


@tagged("post_install", "-at_install")
class TestFormsLoadForEveryRole(TransactionCase):
    """What a role's form shows, it must be allowed to read: one field it may not
    read and the web client shows nothing at all for that user."""

    def _form_fields(self, model, user):
        arch = model.with_user(user).get_view(view_type="form")["arch"]
        return sorted(set(etree.fromstring(arch).xpath("//field[not(ancestor::field)]/@name")))

    def test_ticket_form_reads_for_each_role(self):
        from odoo.tests import new_test_user

        roles = {
            "support": "helpdesk_mgmt.group_helpdesk_user",
            "agent": "collections_dunning.group_collection_agent",
            "manager": "collections_dunning.group_collection_manager",
            "officer": "collections_art.group_art_officer",
            "art_manager": "collections_art.group_art_manager",
        }
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Case",
                "description": "<p>x</p>",
                "purifier_id": "PUR-1",
                "team_id": self.env.ref("collections_dunning.helpdesk_team_collections").id,
            }
        )
        for role, group in roles.items():
            user = new_test_user(self.env, login=f"form-{role}", groups=group)
            ticket.team_id.user_ids |= user
            fields = self._form_fields(self.env["helpdesk.ticket"], user)
            self.assertIn("purifier_id", fields)
            ticket.with_user(user).read(fields)  # raises if one field is off limits
