from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


def day(n):
    return DUE + timedelta(days=n)


@tagged("post_install", "-at_install")
class TestMultiCompany(CollectionsCommon):
    """A second company with its own policy, team and overdue invoices: nothing of
    it appears or counts in the first company's run, flags or reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_2 = env["res.company"].create(
            {"name": "Collections Company 2", "currency_id": cls.company.currency_id.id}
        )
        env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_2, install_demo=False
        )
        cls.team_2 = env["helpdesk.ticket.team"].create(
            {"name": "Collections 2", "is_collection_team": True, "company_id": cls.company_2.id}
        )
        policy = env.ref("collections_dunning.policy_sop")
        cls.policy_2 = env["collection.policy"].create(
            {
                "name": "Company 2 policy",
                "company_id": cls.company_2.id,
                "is_default": True,
                "level_ids": [
                    Command.create(
                        {
                            "code": level.code,
                            "name": level.name,
                            "dpd_from": level.dpd_from,
                            "dpd_to": level.dpd_to,
                            "team_id": cls.team_2.id,
                        }
                    )
                    for level in policy.level_ids
                ],
            }
        )
        cls.company_2.write(
            {
                "collection_team_id": cls.team_2.id,
                "collection_purifier_pattern": False,
            }
        )
        cls.manager_2 = new_test_user(
            env,
            login="coll-manager-2",
            groups="collections_dunning.group_collection_manager",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        with freeze_time(DUE):
            cls.invoice_1 = cls._create_invoice(cls.customer, DUE, 1000.0)
            cls.invoice_2 = cls._create_invoice_in(cls.company_2, cls.customer, DUE, 700.0)

    @classmethod
    def _create_invoice_in(cls, company, partner, due_date, amount):
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due_date,
                    "invoice_date_due": due_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Purifier rental",
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def _run(self, n):
        with freeze_time(f"{day(n)} 10:00:00"):
            self.env["collection.policy"]._cron_run()

    def _cases(self, company):
        return self.env["helpdesk.ticket"].search(
            [
                ("collection_case", "=", True),
                ("partner_id", "=", self.customer.id),
                ("company_id", "=", company.id),
            ]
        )

    def test_run_keeps_each_companys_cases_apart(self):
        self.assertEqual(self.invoice_2.company_id, self.company_2)
        self._run(3)
        case_1, case_2 = self._cases(self.company), self._cases(self.company_2)
        self.assertEqual(len(case_1), 1)
        self.assertEqual(len(case_2), 1)
        self.assertEqual(case_1.amount_overdue, 1000.0)
        self.assertEqual(case_1.overdue_invoice_ids, self.invoice_1)
        self.assertEqual(case_2.amount_overdue, 700.0)
        self.assertEqual(case_2.overdue_invoice_ids, self.invoice_2)
        self.assertEqual(case_2.team_id, self.team_2)
        self.assertEqual(case_2.collection_level_id.policy_id, self.policy_2)
        self.assertEqual(case_1.collection_level_id.policy_id.company_id, self.company)
        # company 2 pays: its case closes, company 1's stays open and unchanged
        with freeze_time(day(4)):
            self._pay(self.invoice_2)
        self._run(5)
        self.assertTrue(case_2.stage_id.closed)
        self.assertFalse(case_1.stage_id.closed)
        self.assertEqual(case_1.amount_overdue, 1000.0)

    def test_payment_to_company_2_does_not_keep_a_promise_of_company_1(self):
        with freeze_time(day(4)):
            self._pay(self.invoice_2)
        periods = {
            "company 1": (self.customer.id, day(0), day(10), self.company.id),
            "company 2": (self.customer.id, day(0), day(10), self.company_2.id),
        }
        paid = self.env["res.partner"]._collection_paid_amounts(periods)
        self.assertFalse(paid.get("company 1"))
        self.assertEqual(paid.get("company 2"), 700.0)
        self._run(3)
        case_1 = self._cases(self.company)
        with freeze_time(day(3)):
            promise = self.env["collection.promise"].create(
                {"ticket_id": case_1.id, "amount": 500.0, "date": day(8), "start_date": day(3)}
            )
        with freeze_time(day(9)):
            promise._evaluate(day(9))
        self.assertEqual(promise.state, "broken")
        self.assertFalse(promise.paid_amount)

    def test_flags_are_per_company(self):
        partner = self.customer
        partner.with_company(self.company_2).sudo().write(
            {"collection_unreachable": True, "collection_uncooperative": True}
        )
        self.assertTrue(partner.with_company(self.company_2).collection_unreachable)
        self.assertFalse(partner.with_company(self.company).collection_unreachable)
        self.assertFalse(partner.with_company(self.company).collection_uncooperative)
        # recomputing company 1 leaves company 2's flags alone
        partner._collection_update_flags(self.company)
        self.assertTrue(partner.with_company(self.company_2).collection_uncooperative)
        self.assertFalse(partner.with_company(self.company).collection_uncooperative)
        if "is_npa" in partner._fields:
            partner.with_company(self.company_2).sudo().write({"is_npa": True})
            self.assertFalse(partner.with_company(self.company).is_npa)
            self.assertTrue(partner.with_company(self.company_2).is_npa)

    def test_broken_promises_of_company_2_do_not_flag_company_1(self):
        self._run(3)
        case_2 = self._cases(self.company_2)
        self.company_2.collection_broken_promises = 1
        self.company.collection_broken_promises = 1
        with freeze_time(day(3)):
            promise = self.env["collection.promise"].create(
                {"ticket_id": case_2.id, "amount": 300.0, "date": day(5), "start_date": day(3)}
            )
        with freeze_time(day(6)):
            promise._evaluate(day(6))
        self.assertEqual(promise.state, "broken")
        self.customer._collection_update_flags()
        self.assertTrue(self.customer.with_company(self.company_2).collection_uncooperative)
        self.assertFalse(self.customer.with_company(self.company).collection_uncooperative)

    def test_reports_of_company_1_exclude_company_2(self):
        self._run(3)
        case_1, case_2 = self._cases(self.company), self._cases(self.company_2)
        status = self.env["collection.disposition"].create(
            {"name": "Reached", "code": "multi_company_reached", "layer": 1, "is_contact": True}
        )
        for case in case_1 | case_2:
            self.env["collection.interaction"].create(
                {
                    "ticket_id": case.id,
                    "status_id": status.id,
                    "direction": "inbound",
                    "user_id": self.manager.id,
                }
            )
        for model in (
            "collection.agent.report",
            "collection.efficiency.report",
            "collection.snapshot",
        ):
            with self.subTest(model=model):
                everything = self.env[model].search([])
                self.assertIn(self.company_2, everything.company_id, "company 2 has rows")
                rows_1 = self.env[model].with_user(self.manager).search([])
                self.assertTrue(rows_1)
                self.assertNotIn(self.company_2, rows_1.company_id)
                rows_2 = self.env[model].with_user(self.manager_2).search([])
                self.assertEqual(rows_2.company_id, self.company_2)
