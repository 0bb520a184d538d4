from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2026, 5, 1)


def at(n):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=10)


@tagged("post_install", "-at_install")
class TestPortfolio(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 5000.0)

    def _run(self, n):
        with freeze_time(at(n)):
            self.env["collection.policy"]._cron_run()
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def test_agency_fees_are_bounded(self):
        for vals in (
            {"success_fee_percent": -1},
            {"success_fee_percent": 101},
            {"upfront_fee": -5},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.env["collection.agency"].create(
                    {"name": "Agency", "success_fee_percent": 8.0, **vals}
                )

    def test_agency_commission_on_what_is_collected_while_placed(self):
        case = self._run(10)
        agency = self.env["collection.agency"].create(
            {"name": "Extrajudicial agency", "success_fee_percent": 8.0}
        )
        litigator = self.env["collection.agency"].create(
            {"name": "Litigation agency", "success_fee_percent": 30.0, "upfront_fee": 18000.0}
        )
        with freeze_time(at(11)):
            case._collection_place_with(agency)
            self.assertEqual(case.agency_id, agency)
        with freeze_time(at(12)):
            self._pay(self.invoice, amount=1000.0, date=DUE + timedelta(days=12))
        with freeze_time(at(15)):
            case._collection_place_with(litigator)  # recalls from the first agency
        with freeze_time(at(16)):
            self._pay(self.invoice, amount=2000.0, date=DUE + timedelta(days=16))
        with freeze_time(at(20)):
            self.env.invalidate_all()
            first, second = case.agency_placement_ids.sorted("date_start")
            self.assertEqual(
                (first.date_end, first.collected_amount, first.commission_amount),
                (DUE + timedelta(days=15), 1000.0, 80.0),
            )
            self.assertEqual((second.collected_amount, second.commission_amount), (2000.0, 600.0))
            self.assertEqual(agency.commission_amount, 80.0)
            self.assertEqual(litigator.commission_amount, 18600.0)
            case.action_recall_from_agency()
            self.assertFalse(case.agency_id)

    def test_ownership_rules_route_accounts(self):
        no_billing = self.env["res.partner.category"].create({"name": "no_billing"})
        billing = self.env["helpdesk.ticket.team"].create(
            {"name": "Billing", "is_collection_team": True}
        )
        enjoyment = self.env["helpdesk.ticket.team"].create(
            {"name": "Customer Enjoyment", "is_collection_team": True}
        )
        Rule = self.env["collection.routing.rule"]
        Rule.create(
            {
                "name": "no_billing stays with CE",
                "sequence": 1,
                "tag_ids": [Command.set(no_billing.ids)],
                "team_id": enjoyment.id,
            }
        )
        Rule.create(
            {"name": "Billing over 30 days", "sequence": 2, "dpd_from": 31, "team_id": billing.id}
        )
        case = self._run(20)
        self.assertEqual(case.team_id, self.team_collections, "no rule matches before day 31")
        case = self._run(31)
        self.assertEqual(case.team_id, billing)
        self.assertEqual(case.stage_id, self.env.ref("collections_dunning.helpdesk_stage_l2"))
        self.assertTrue(
            any("by the rule Billing over 30 days" in b for b in case.message_ids.mapped("body"))
        )
        self.customer.category_id = [Command.link(no_billing.id)]
        case = self._run(32)
        self.assertEqual(case.team_id, enjoyment)
        count = len(case.message_ids)
        self._run(33)
        self.assertEqual(len(case.message_ids), count, "no note when nothing changes")

    def test_campaign_progress(self):
        case = self._run(10)
        campaign = self.env["collection.campaign"].create(
            {
                "name": "May recovery",
                "goal_amount": 4000.0,
                "date_start": DUE + timedelta(days=10),
                "ticket_ids": [Command.link(case.id)],
            }
        )
        with freeze_time(at(12)):
            self._pay(self.invoice, amount=1000.0, date=DUE + timedelta(days=12))
            campaign.invalidate_recordset()
            self.assertEqual((campaign.collected_amount, campaign.progress), (1000.0, 25.0))

    def test_bulk_reallocation(self):
        other = self.env["res.partner"].create({"name": "Household 30"})
        with freeze_time(DUE):
            self._create_invoice(other, DUE, 100.0)
        self._run(10)
        cases = self.env["helpdesk.ticket"].search([("collection_case", "=", True)])
        campaign = self.env["collection.campaign"].create({"name": "Push"})
        wizard = (
            self.env["collection.reallocate.wizard"]
            .with_user(self.manager)
            .with_context(active_model="helpdesk.ticket", active_ids=cases.ids)
            .create({"user_id": self.agent_2.id, "campaign_id": campaign.id})
        )
        wizard.action_apply()
        self.assertEqual(set(cases.mapped("user_id")), {self.agent_2})
        self.assertEqual(campaign.ticket_ids, cases)
        self.assertEqual(cases.stage_id, self.env.ref("collections_dunning.helpdesk_stage_l2"))
        with self.assertRaisesRegex(UserError, "Choose where"):
            self.env["collection.reallocate.wizard"].with_user(self.manager).create(
                {"ticket_ids": [Command.set(cases.ids)]}
            ).action_apply()
        with self.assertRaises(AccessError):
            self.env["collection.reallocate.wizard"].with_user(self.agent_1).create(
                {"ticket_ids": [Command.set(cases.ids)]}
            )


@tagged("post_install", "-at_install")
class TestAssignmentRules(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.karnataka = cls.env["res.country.state"].search([("code", "=", "KA")], limit=1)
        cls.l2 = cls.env.ref("collections_dunning.policy_sop_l2")

    def _open_cases(self, partners, dpd):
        with freeze_time(DUE):
            for partner in partners:
                self._create_invoice(partner, DUE, 100.0)
        with freeze_time(at(dpd)):
            self.env["collection.policy"]._cron_run()
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "in", partners.ids)]
        )

    def _partners(self, count, **values):
        return self.env["res.partner"].create(
            [{"name": f"Household {n}", **values} for n in range(count)]
        )

    def test_rule_by_level(self):
        self.team_collections.collection_assignment_rule_ids = [
            Command.create({"level_id": self.l2.id, "user_id": self.agent_2.id})
        ]
        cases = self._open_cases(self._partners(3), 10)
        self.assertEqual(set(cases.mapped("user_id")), {self.agent_2})

    def test_rule_by_region_and_tag(self):
        vip = self.env["res.partner.category"].create({"name": "VIP"})
        self.team_collections.collection_assignment_rule_ids = [
            Command.create(
                {"state_ids": [Command.set(self.karnataka.ids)], "user_id": self.agent_1.id}
            ),
            Command.create({"tag_ids": [Command.set(vip.ids)], "user_id": self.agent_2.id}),
        ]
        local = self._partners(
            2, state_id=self.karnataka.id, country_id=self.karnataka.country_id.id
        )
        tagged_partner = self._partners(1, category_id=[Command.set(vip.ids)])
        cases = self._open_cases(local | tagged_partner, 3)
        by_partner = {case.partner_id: case.user_id for case in cases}
        self.assertEqual({by_partner[p] for p in local}, {self.agent_1})
        self.assertEqual(by_partner[tagged_partner], self.agent_2)

    def test_capacity(self):
        self.team_collections.collection_assign_method = "capacity"
        self.agent_1.collection_capacity = 1
        self.agent_2.collection_capacity = 2
        cases = self._open_cases(self._partners(4), 3)
        users = cases.mapped("user_id")
        self.assertEqual(len(cases.filtered(lambda c: c.user_id == self.agent_1)), 1)
        self.assertEqual(len(cases.filtered(lambda c: c.user_id == self.agent_2)), 2)
        self.assertEqual(len(cases.filtered(lambda c: not c.user_id)), 1, "nobody has room left")
        self.assertTrue(users)
