from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import LateStageCommon


@tagged("post_install", "-at_install")
class TestRecoveryEvaluation(LateStageCommon):
    """Solar policy, evaluation / clawback: 30 days past due on a downpayment or
    120 on any payment asks the manager for a recovery decision, once, with the
    reason for default recorded from the closed list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_collections.user_id = cls.manager
        cls.policy.recovery_evaluation = True  # the solar policy's rule
        cls.activity_type = cls.env.ref("collections_dunning.mail_activity_type_recovery_decision")
        cls.reason = cls.env.ref("collections_dunning.default_reason_liquidity")

    def _asks(self, case):
        return case.activity_ids.filtered(lambda a: a.activity_type_id == self.activity_type)

    def test_downpayment_30_days_past_due_asks_once(self):
        self._invoice(5000.0, is_downpayment=True)
        case = self._run_day(29)
        self.assertFalse(case.collection_recovery_state)
        mails_before = self.env["mail.mail"].sudo().search([])
        case = self._run_day(30)
        self.assertEqual(case.collection_recovery_state, "to_decide")
        # issue 13: the manager sees the to-do in the activity list; the run
        # queues no "you have been assigned" email per case
        assigned = (self.env["mail.mail"].sudo().search([]) - mails_before).filtered(
            lambda mail: self.manager.partner_id in mail.recipient_ids
        )
        self.assertFalse(assigned)
        self.assertEqual(case.collection_recovery_asked_date, self.DUE.replace(day=31))
        ask = self._asks(case)
        self.assertEqual(len(ask), 1)
        self.assertEqual(ask.user_id, self.manager)
        self._run_day(31)
        self.assertEqual(len(self._asks(case)), 1, "asked once")

    def test_any_payment_asks_at_120_days_only(self):
        self._invoice(1000.0)
        self.assertFalse(self._run_day(119).collection_recovery_state, "no downpayment: 120")
        self.assertEqual(self._run_day(120).collection_recovery_state, "to_decide")

    def test_thresholds_are_company_settings(self):
        self.company.collection_recovery_days = 60
        self._invoice(1000.0)
        self.assertEqual(self._run_day(60).collection_recovery_state, "to_decide")

    def test_manager_decides_with_the_reason_for_default(self):
        self._invoice(5000.0, is_downpayment=True)
        case = self._run_day(30)
        with self.assertRefused(AccessError, "Only collection managers decide on recovery"):
            case.with_user(self.agent_1).action_confirm_recovery_decision()
        with self.assertRefused(UserError, "Choose the reason for default and the decision"):
            case.with_user(self.manager).action_confirm_recovery_decision()
        case.with_user(self.manager).write(
            {
                "collection_default_reason_id": self.reason.id,
                "collection_recovery_decision": "restructure",
            }
        )
        case.with_user(self.manager).action_confirm_recovery_decision()
        self.assertEqual(case.collection_recovery_state, "decided")
        self.assertEqual(case.collection_recovery_decided_by_id, self.manager)
        self.assertFalse(self._asks(case), "the manager's activity is done")
        self.assertIn("Restructure the debt", self._notes(case)[0])
        with self.assertRefused(UserError, "does not ask for a recovery decision"):
            case.with_user(self.manager).action_confirm_recovery_decision()

    def test_write_off_decision_reports_the_customer_written_off(self):
        self._invoice(1000.0)
        case = self._run_day(120)
        case.with_user(self.manager).write(
            {
                "collection_default_reason_id": self.reason.id,
                "collection_recovery_decision": "write_off",
            }
        )
        case.with_user(self.manager).action_confirm_recovery_decision()
        self.assertEqual(self.customer.collection_bureau_status, "written_off")
        self._run_day(121)
        self.assertEqual(self.customer.collection_bureau_status, "written_off")

    def test_nobody_sets_the_evaluation_state_by_hand(self):
        self._invoice(1000.0)
        case = self._run_day(10)
        with self.assertRefused(AccessError, "cannot be set by hand"):
            case.with_user(self.manager).write({"collection_recovery_state": "decided"})

    def _decide(self, case, decision="restructure"):
        case.with_user(self.manager).write(
            {
                "collection_default_reason_id": self.reason.id,
                "collection_recovery_decision": decision,
            }
        )
        case.with_user(self.manager).action_confirm_recovery_decision()

    def test_confirmed_decision_is_locked_whoever_writes(self):
        """Issue 12: once confirmed, the reason and the decision are what was
        decided: neither the manager, another manager, nor sudo code rewrites them
        (an RPC client's plain write included)."""
        self._invoice(1000.0)
        case = self._run_day(120)
        self._decide(case)
        other_reason = self.env.ref("collections_dunning.default_reason_liquidity").copy(
            {"name": "Other reason"}
        )
        for who, env_case in (
            ("the manager", case.with_user(self.manager)),
            ("sudo", case.sudo()),
        ):
            with self.subTest(who=who):
                with self.assertRefused(UserError, "confirmed by .* can no longer be changed"):
                    env_case.write({"collection_recovery_decision": "write_off"})
                with self.assertRefused(UserError, "can no longer be changed"):
                    env_case.write({"collection_default_reason_id": other_reason.id})
                with self.assertRefused(UserError, "can no longer be changed"):
                    env_case.write({"collection_default_reason_id": False})
        self.assertEqual(case.collection_recovery_decision, "restructure")
        self.assertEqual(case.collection_default_reason_id, self.reason)
        self.assertNotEqual(
            self.customer.collection_bureau_status, "written_off", "no write-off by a rewrite"
        )
        # saving the form with the decided values unchanged is no change
        case.with_user(self.manager).write(
            {"collection_recovery_decision": "restructure", "description": "<p>Called.</p>"}
        )
        self.assertIn("Called.", case.description)

    def test_only_managers_record_the_reason_and_the_decision(self):
        self._invoice(1000.0)
        case = self._run_day(120)
        with self.assertRefused(AccessError, "Only collection managers record the reason"):
            case.with_user(self.agent_1).write({"collection_recovery_decision": "write_off"})
        with self.assertRefused(AccessError, "Only collection managers record the reason"):
            case.with_user(self.agent_1).write({"collection_default_reason_id": self.reason.id})
        support = new_test_user(
            self.env, login="coll-support-recovery", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        with self.assertRefused(AccessError, "Only collection managers record the reason"):
            self.env["helpdesk.ticket"].with_user(support).create(
                {
                    "name": "Pre-decided",
                    "partner_id": self.customer.id,
                    "collection_recovery_decision": "write_off",
                }
            )
        self.assertFalse(case.collection_recovery_decision)
        self.assertFalse(case.collection_default_reason_id)
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "=", "Pre-decided")]))
        case.with_user(self.manager).write({"collection_recovery_decision": "continue"})
        self.assertEqual(case.collection_recovery_decision, "continue")

    def test_only_a_policy_with_recovery_evaluation_asks(self):
        """The purifier SOP has no recovery evaluation: its case at 130 days past
        due asks nothing; the same policy with the flag asks once."""
        sop = self.env.ref("collections_dunning.policy_sop")
        self.assertFalse(sop.recovery_evaluation, "off by default")
        self.customer.collection_policy_id = sop
        self._invoice(1000.0)
        case = self._run_day(130)
        self.assertEqual(case.collection_policy_id, sop)
        self.assertFalse(case.collection_recovery_state)
        self.assertFalse(self._asks(case))
        sop.recovery_evaluation = True
        case = self._run_day(131)
        self.assertEqual(case.collection_recovery_state, "to_decide")
        self.assertEqual(len(self._asks(case)), 1)
        self._run_day(132)
        self.assertEqual(len(self._asks(case)), 1, "asked once")

    def test_demo_solar_policy_evaluates(self):
        """The form shows the flag; the solar policy of the demo has it (checked
        only where the demo data is loaded)."""
        solar = self.env.ref("collections_dunning.policy_solar", raise_if_not_found=False)
        if solar:
            self.assertTrue(solar.recovery_evaluation)
        self.assertIn(
            "recovery_evaluation",
            self.env["collection.policy"].get_view(view_type="form")["arch"],
        )
