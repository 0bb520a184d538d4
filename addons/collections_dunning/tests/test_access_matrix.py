"""Who may create, read, write and delete what, for every model of Collections.

The table below is the audit: one row per model (read from the registry, so a new
model without a row fails ``test_every_model_has_a_row``), one column per role.
Rights are written ``c r w u`` (create, read, write, unlink); an empty string is
no access at all. The record-rule tests below then check *which* records each
role reaches, with two teams and two companies.
"""

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

MODULES = ("collections_dunning", "collections_art")

ROLES = {
    "support": "helpdesk_mgmt.group_helpdesk_user",
    "agent": "collections_dunning.group_collection_agent",
    "manager": "collections_dunning.group_collection_manager",
    "officer": "collections_art.group_art_officer",
    "art_manager": "collections_art.group_art_manager",
    "internal": "base.group_user",
    "portal": "base.group_portal",
    "public": "base.group_public",
}

# fmt: off
EXPECTED = {
    # model                           support agent   manager officer art_mgr internal portal public
    "collection.agency":              ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.agency.placement":    ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.agent.report":        ("",    "",     "r",    "",     "",     "",     "",    ""),
    "collection.aging.report":        ("",    "",     "r",    "",     "",     "",     "",    ""),
    "collection.art.sla.report":      ("",    "",     "r",    "",     "r",    "",     "",    ""),
    "collection.art.visit":           ("",    "",     "",     "crw",  "crwu", "",     "",    ""),
    "collection.assignment.rule":     ("r",   "r",    "crwu", "r",    "r",    "",     "",    ""),
    "collection.bureau.export":       ("",    "",     "crw",  "",     "",     "",     "",    ""),
    "collection.bureau.export.line":  ("",    "",     "cr",   "",     "",     "",     "",    ""),
    "collection.campaign":            ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.claim":               ("crw", "crw",  "crwu", "crw",  "crw",  "",     "",    ""),
    "collection.channel.provider":    ("",    "",     "crwu", "",     "",     "",     "",    ""),
    "collection.disposition":         ("r",   "r",    "crwu", "r",    "r",    "",     "",    ""),
    "collection.exception":           ("",    "cr",   "crw",  "",     "",     "",     "",    ""),
    "collection.default.reason":      ("r",   "r",    "crwu", "r",    "r",    "",     "",    ""),
    "collection.efficiency.report":   ("",    "",     "r",    "",     "",     "",     "",    ""),
    "collection.interaction":         ("",    "crw",  "crwu", "",     "",     "",     "",    ""),
    "collection.legal.notice":        ("",    "",     "",     "crw",  "crwu", "",     "",    ""),
    "collection.payment.plan":        ("",    "crw",  "crwu", "",     "",     "",     "",    ""),
    "collection.payment.plan.line":   ("",    "crwu", "crwu", "",     "",     "",     "",    ""),
    "collection.penal.charge":        ("",    "r",    "crw",  "",     "",     "",     "",    ""),
    "collection.penal.waiver":        ("",    "cr",   "crwu", "",     "",     "",     "",    ""),
    "collection.policy":              ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.policy.level":        ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.promise":             ("",    "cr",   "crwu", "",     "",     "",     "",    ""),
    "collection.reallocate.wizard":   ("",    "",     "crwu", "",     "",     "",     "",    ""),
    "collection.reference":           ("",    "crw",  "crwu", "",     "",     "",     "",    ""),
    "collection.reminder":            ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.reminder.step":       ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.roll.rate.line":      ("",    "",     "crwu", "",     "",     "",     "",    ""),
    "collection.roll.rate.wizard":    ("",    "",     "crwu", "",     "",     "",     "",    ""),
    "collection.routing.rule":        ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.run.error":           ("",    "",     "r",    "",     "",     "",     "",    ""),
    "collection.run.log":             ("",    "",     "r",    "",     "",     "",     "",    ""),
    "collection.settlement":          ("",    "r",    "crwu", "",     "",     "",     "",    ""),
    "collection.sla.report":          ("",    "",     "r",    "",     "",     "",     "",    ""),
    "collection.slack.message":       ("",    "",     "",     "",     "rwu",  "",     "",    ""),
    "collection.snapshot":            ("",    "",     "r",    "",     "",     "",     "",    ""),
    "collection.transfer.wizard":     ("crwu", "crwu", "crwu", "crwu", "crwu", "",    "",    ""),
    # accounting, narrowed: agents and officers read (their cases' customers, see below)
    "account.move":                   ("",    "r",    "r",    "r",    "r",    "",     "r",   ""),
    "account.payment":                ("",    "r",    "r",    "r",    "r",    "",     "",    ""),
    "account.journal":                ("",    "",     "",     "",     "",     "",     "",    ""),
    "account.bank.statement":         ("",    "",     "",     "",     "",     "",     "",    ""),
}
# fmt: on

# Models without a company: shared reference data, or one record for all companies.
NO_COMPANY = {
    "collection.disposition": "contact dispositions are shared by every company",
    "collection.run.log": "one daily run covers every company",
    "collection.reallocate.wizard": "transient, its cases carry the company",
    "collection.transfer.wizard": "transient, its ticket carries the company",
    "collection.roll.rate.line": "transient, its wizard carries the company",
}
OPERATIONS = {"c": "create", "r": "read", "w": "write", "u": "unlink"}


def _collection_models(env):
    return sorted(
        name
        for name, model in env.registry.items()
        if model._original_module in MODULES and not model._abstract
    )


@tagged("post_install", "-at_install")
class TestAccessMatrix(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.art_installed = bool(cls.env.ref("collections_art.group_art_officer", False))
        cls.role_users = {
            role: new_test_user(cls.env, login=f"matrix-{role}", groups=group)
            for role, group in ROLES.items()
            if cls.env.ref(group, False)
        }

    def test_every_model_has_a_row(self):
        missing = [name for name in _collection_models(self.env) if name not in EXPECTED]
        self.assertFalse(
            missing,
            f"Models of Collections without a row in the access matrix: {', '.join(missing)}",
        )

    def test_acl_matrix(self):
        problems = []
        for model, rights in EXPECTED.items():
            if model not in self.env:
                continue
            for (role, user), expected in zip(
                ((role, self.role_users.get(role)) for role in ROLES), rights, strict=True
            ):
                if not user:
                    continue
                records = self.env[model].with_user(user)
                actual = "".join(code for code, op in OPERATIONS.items() if records.has_access(op))
                if actual != expected:
                    problems.append(f"{model} / {role}: expected '{expected}', got '{actual}'")
        self.assertFalse(problems, "\n".join(problems))

    def test_agents_and_officers_lost_full_accounting(self):
        for role in ("agent", "officer"):
            user = self.role_users.get(role)
            if user:
                self.assertFalse(user.has_group("account.group_account_readonly"), role)
                self.assertFalse(user.has_group("account.group_account_invoice"), role)

    def test_every_company_model_has_a_company_rule(self):
        Rule = self.env["ir.rule"]
        missing = []
        for name in _collection_models(self.env):
            model = self.env[name]
            if name in NO_COMPANY:
                continue
            field = model._fields.get("company_id")
            if not field or not (field.store or model._auto is False):
                missing.append(f"{name}: no stored company_id")
                continue
            rules = Rule.search(
                [("model_id.model", "=", name), ("global", "=", True), ("active", "=", True)]
            )
            if not any("company_ids" in (rule.domain_force or "") for rule in rules):
                missing.append(f"{name}: no global company rule")
        self.assertFalse(missing, "\n".join(missing))

    def test_every_model_has_record_rules(self):
        """Every model with records of a company or a case has rules; the
        exceptions are named."""
        without = {
            name
            for name in _collection_models(self.env)
            if not self.env["ir.rule"].search_count([("model_id.model", "=", name)])
        }
        self.assertEqual(without, {"collection.disposition", "collection.run.log"})


@tagged("post_install", "-at_install")
class TestRecordRules(CollectionsCommon):
    """Two teams in company 1, one team in company 2, a case in each, and every
    record that hangs under a case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_2 = env["res.company"].create(
            {"name": "Collections Company 2", "collection_purifier_pattern": False}
        )
        cls.team_b = env["helpdesk.ticket.team"].create(
            {"name": "Collections B", "is_collection_team": True, "company_id": cls.company.id}
        )
        cls.team_c = env["helpdesk.ticket.team"].create(
            {"name": "Collections C", "is_collection_team": True, "company_id": cls.company_2.id}
        )
        cls.team_collections.company_id = cls.company
        cls.agent_b = new_test_user(
            env, login="coll-agent-b", groups="collections_dunning.group_collection_agent"
        )
        cls.team_b.user_ids = [Command.set([cls.agent_b.id])]
        cls.agent_c = new_test_user(
            env,
            login="coll-agent-c",
            groups="collections_dunning.group_collection_agent",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        cls.team_c.user_ids = [Command.set([cls.agent_c.id])]
        cls.customer_b = env["res.partner"].create({"name": "Household B"})
        cls.customer_c = env["res.partner"].create({"name": "Household C"})
        cls.case_a = cls._case(cls.customer, cls.team_collections)
        cls.case_b = cls._case(cls.customer_b, cls.team_b)
        cls.case_c = cls._case(cls.customer_c, cls.team_c, cls.company_2)
        cls.cases = cls.case_a | cls.case_b | cls.case_c
        cls.status = env["collection.disposition"].create(
            {"name": "Reached", "code": "matrix_reached", "layer": 1, "is_contact": True}
        )
        cls.agency = {
            case: env["collection.agency"].create(
                {"name": f"Agency {case.id}", "success_fee_percent": 10, "company_id": company.id}
            )
            for case, company in (
                (cls.case_a, cls.company),
                (cls.case_b, cls.company),
                (cls.case_c, cls.company_2),
            )
        }
        cls.records = {case: cls._case_records(case) for case in cls.cases}

    @classmethod
    def _case(cls, partner, team, company=None):
        return cls.env["helpdesk.ticket"].create(
            {
                "name": f"Overdue {partner.name}",
                "description": "<p>Overdue invoices</p>",
                "purifier_id": f"PUR-{partner.id}",
                "partner_id": partner.id,
                "team_id": team.id,
                "company_id": (company or cls.company).id,
                "user_id": False,
            }
        )

    @classmethod
    def _case_records(cls, case):
        env = cls.env
        user = case.team_id.user_ids[:1]
        today = fields.Date.today()
        plan = env["collection.payment.plan"].create(
            {
                "ticket_id": case.id,
                "amount_total": 100.0,
                "line_ids": [Command.create({"date": today, "amount": 100.0})],
            }
        )
        return {
            "collection.interaction": env["collection.interaction"].create(
                {
                    "ticket_id": case.id,
                    "status_id": cls.status.id,
                    "direction": "inbound",
                    "user_id": user.id,
                }
            ),
            "collection.penal.charge": env["collection.penal.charge"].create(
                {"ticket_id": case.id, "period": today, "amount": 5.0}
            ),
            "collection.payment.plan": plan,
            "collection.payment.plan.line": plan.line_ids,
            "collection.agency.placement": env["collection.agency.placement"].create(
                {"ticket_id": case.id, "agency_id": cls.agency[case].id}
            ),
            "collection.reference": env["collection.reference"].create(
                {
                    "partner_id": case.commercial_partner_id.id,
                    "name": "Cousin",
                    "company_id": case.company_id.id,
                }
            ),
            "collection.snapshot": env["collection.snapshot"].create(
                {"date": today, "ticket_id": case.id, "company_id": case.company_id.id}
            ),
        }

    def _visible(self, user, model):
        records = self.env[model].browse()
        for case in self.cases:
            records |= self.records[case][model]
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def _of(self, model, *cases):
        return self.env[model].browse().union(*(self.records[case][model] for case in cases))

    def test_agents_see_the_records_of_their_teams_cases_only(self):
        for model in self.records[self.case_a]:
            if model == "collection.snapshot":
                continue
            with self.subTest(model=model):
                self.assertEqual(self._visible(self.agent_1, model), self._of(model, self.case_a))
                self.assertEqual(self._visible(self.agent_b, model), self._of(model, self.case_b))
                with self.assertRaises(AccessError):
                    self.records[self.case_b][model].with_user(self.agent_1).read(["id"])

    def test_agents_of_company_2_see_only_company_2(self):
        for model in self.records[self.case_c]:
            if model == "collection.snapshot":
                continue
            with self.subTest(model=model):
                self.assertEqual(self._visible(self.agent_c, model), self._of(model, self.case_c))

    def test_manager_sees_every_record_of_their_companies_only(self):
        for model in self.records[self.case_a]:
            with self.subTest(model=model):
                self.assertEqual(
                    self._visible(self.manager, model), self._of(model, self.case_a, self.case_b)
                )
        self.assertEqual(
            self.env["helpdesk.ticket"]
            .with_user(self.manager)
            .search([("id", "in", self.cases.ids)]),
            self.case_a | self.case_b,
        )

    def test_team_agents_read_but_do_not_edit_each_others_interactions(self):
        interaction = self.records[self.case_a]["collection.interaction"]
        self.assertEqual(interaction.user_id, self.agent_1)
        interaction.with_user(self.agent_2).read(["note"])
        with self.assertRaises(AccessError):
            interaction.with_user(self.agent_2).write({"note": "Edited by a colleague"})
        self.assertFalse(interaction.note)
        interaction.with_user(self.agent_1).write({"note": "Called back"})
        interaction.with_user(self.manager).write({"note": "Checked"})

    def test_agent_cannot_log_on_another_teams_case(self):
        with self.assertRaises(AccessError):
            self.env["collection.interaction"].with_user(self.agent_1).create(
                {"ticket_id": self.case_b.id, "status_id": self.status.id, "direction": "inbound"}
            )

    def test_references_only_of_customers_whose_cases_the_agent_sees(self):
        reference_b = self.records[self.case_b]["collection.reference"]
        with self.assertRaises(AccessError):
            reference_b.with_user(self.agent_1).read(["phone"])
        with self.assertRaises(AccessError):
            self.env["collection.reference"].with_user(self.agent_1).create(
                {"partner_id": self.customer_b.id, "name": "Neighbour"}
            )

    def test_agents_read_invoices_and_payments_of_their_cases_only(self):
        invoice_a = self._create_invoice(self.customer, fields.Date.today(), 100.0)
        invoice_b = self._create_invoice(self.customer_b, fields.Date.today(), 100.0)
        payment_a = self._pay(invoice_a)
        vendor = self.env["res.partner"].create({"name": "Vendor"})
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": vendor.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [Command.create({"name": "Parts", "price_unit": 50.0})],
            }
        )
        Move = self.env["account.move"].with_user(self.agent_1)
        self.assertEqual(Move.search([("id", "in", (invoice_a | invoice_b | bill).ids)]), invoice_a)
        invoice_a.with_user(self.agent_1).read(["name", "amount_residual_signed"])
        self.assertTrue(invoice_a.line_ids.with_user(self.agent_1).has_access("read"))
        self.assertTrue(payment_a.with_user(self.agent_1).has_access("read"))
        for record in (invoice_b, bill, invoice_b.line_ids[:1], bill.line_ids[:1]):
            with self.assertRaises(AccessError):
                record.with_user(self.agent_1).read(["id"])
        with self.assertRaises(AccessError):
            invoice_a.with_user(self.agent_1).write({"ref": "changed"})
        with self.assertRaises(AccessError):
            self.env["account.journal"].with_user(self.agent_1).search([])
        # an accountant who is also an agent keeps every invoice
        self.agent_b.group_ids = [Command.link(self.env.ref("account.group_account_invoice").id)]
        self.assertTrue(bill.with_user(self.agent_b).has_access("read"))

    def test_managers_read_invoices_of_every_case_outside_their_teams(self):
        """A manager who is in no collection team still reads (never writes) the
        invoices and payments of every case's customer, and nothing else."""
        self.assertFalse(self.manager.helpdesk_team_ids)
        invoice_a = self._create_invoice(self.customer, fields.Date.today(), 100.0)
        invoice_b = self._create_invoice(self.customer_b, fields.Date.today(), 100.0)
        payment_b = self._pay(invoice_b)
        walk_in = self.env["res.partner"].create({"name": "Walk-in customer, no case"})
        other = self._create_invoice(walk_in, fields.Date.today(), 100.0)
        Move = self.env["account.move"].with_user(self.manager)
        self.assertEqual(
            Move.search([("id", "in", (invoice_a | invoice_b | other).ids)]), invoice_a | invoice_b
        )
        self.assertTrue(invoice_b.line_ids.with_user(self.manager).has_access("read"))
        self.assertTrue(payment_b.with_user(self.manager).has_access("read"))
        with self.assertRaises(AccessError):
            other.with_user(self.manager).read(["id"])
        with self.assertRaises(AccessError):
            invoice_a.with_user(self.manager).write({"ref": "changed"})

    def test_share_users_see_nothing_of_collections(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "call.txt",
                "raw": b"recording",
                "res_model": "collection.interaction",
                "res_id": self.records[self.case_a]["collection.interaction"].id,
            }
        )
        case_attachment = self.env["ir.attachment"].create(
            {
                "name": "case.txt",
                "raw": b"x",
                "res_model": "helpdesk.ticket",
                "res_id": self.case_a.id,
            }
        )
        self.case_a.partner_id = self.portal_user.partner_id
        for user in (self.portal_user, self.env.ref("base.public_user")):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.case_a.with_user(user).read(["name"])
                for record in (attachment, case_attachment):
                    with self.assertRaises(AccessError):
                        record.with_user(user).read(["raw"])
                for model in self.records[self.case_a]:
                    self.assertFalse(self.env[model].with_user(user).has_access("read"), model)

    def test_share_users_get_no_collection_ticket_through_a_token(self):
        token = self.case_a._portal_ensure_token()
        Ticket = self.env["helpdesk.ticket"].with_user(self.portal_user)
        self.assertFalse(Ticket._get_thread_with_access(self.case_a.id, token=token))
        support_ticket = self._create_ticket(name="WiFi drops", category_id=self.category_wifi.id)
        support_token = support_ticket._portal_ensure_token()
        self.assertTrue(Ticket._get_thread_with_access(support_ticket.id, token=support_token))

    def test_officer_cannot_create_a_notice_for_a_case_they_cannot_see(self):
        if "collection.legal.notice" not in self.env:
            self.skipTest("collections_art is not installed")
        officer = new_test_user(
            self.env, login="matrix-officer", groups="collections_art.group_art_officer"
        )
        Notice = self.env["collection.legal.notice"].with_user(officer)
        with self.assertRaises(AccessError):
            Notice.create({"ticket_id": self.case_b.id})
        self.assertFalse(Notice.search([]))
        visit = self.env["collection.art.visit"].create({"ticket_id": self.case_b.id})
        with self.assertRaises(AccessError):
            visit.with_user(officer).read(["id"])
