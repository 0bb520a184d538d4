from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


def day(n):
    """The date ``n`` days past the due date."""
    return DUE + timedelta(days=n)


@tagged("post_install", "-at_install")
class TestCollectionException(CollectionsCommon):
    """Issue 12: a one-time grace, an approved pause and the no_billing pause hold
    a customer's reminders and level moves while they run, are decided by the
    right rank (never by the requester), and expire on their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.executive = new_test_user(
            cls.env, login="coll-executive", groups="collections_dunning.group_collection_executive"
        )
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time(DUE):
            cls._create_invoice(cls.customer, DUE, 900.0)

    def _run(self, on_date):
        with freeze_time(f"{on_date} 10:00:00"):
            self.env["collection.policy"]._cron_run()
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _ask(self, case, user, exception_type, start, end, reason="Salary delayed by a week"):
        """An agent's "Ask for an Exception" on the case: the prefilled form, saved."""
        action = case.with_user(user).action_ask_collection_exception()
        with freeze_time(start):
            return (
                self.env[action["res_model"]]
                .with_user(user)
                .with_context(**action["context"])
                .create(
                    {
                        "exception_type": exception_type,
                        "date_start": start,
                        "date_end": end,
                        "reason": reason,
                    }
                )
            )

    def _open_case(self):
        case = self._run(day(1))
        self.assertEqual(case.collection_level_id.code, "L1")
        return case

    # ------------------------------------------------------------------
    # One-time grace (lending flow)
    # ------------------------------------------------------------------

    def test_grace_holds_the_case_then_expires(self):
        case = self._open_case()
        grace = self._ask(case, self.agent_1, "grace", day(5), day(7))
        self.assertEqual(grace.state, "requested")
        self.assertEqual(grace.requested_by_id, self.agent_1)
        self.assertEqual(grace.partner_id, self.customer)
        with self.assertRaises(AccessError):
            grace.with_user(self.agent_1).action_approve()
        grace.with_user(self.manager).action_approve()
        self.assertEqual((grace.state, grace.approved_by_id), ("approved", self.manager))
        self.assertIn(grace, case.collection_exception_ids)
        self.assertEqual(case.collection_exception_count, 1)
        notes = " ".join(self._notes(case))
        self.assertIn("requested by", notes)
        self.assertIn(f"approved by {self.manager.name}", notes)

        reminders_before = len(case.collection_reminder_ids)
        # Day 7 would move the case to L2 and log its follow-up: the grace holds it.
        self._run(day(7))
        self.assertEqual(case.collection_level_id.code, "L1")
        self.assertEqual(case.collection_dpd, 7)
        self.assertEqual(len(case.collection_reminder_ids), reminders_before)
        with freeze_time(day(7)):
            self.assertIn(case, case._collection_reminders_paused())

        # The day after its end, the run expires it and the case moves on.
        self._run(day(8))
        self.assertEqual(grace.state, "expired")
        self.assertEqual(case.collection_level_id.code, "L2")
        self.assertGreater(len(case.collection_reminder_ids), reminders_before)
        self.assertIn("expired", " ".join(self._notes(case)))

    def test_second_grace_is_refused_naming_the_first(self):
        case = self._open_case()
        first = self._ask(case, self.agent_1, "grace", day(2), day(4))
        first.with_user(self.manager).action_approve()
        self._run(day(5))
        self.assertEqual(first.state, "expired")
        with self.assertRefused(UserError, r"already had a one-time grace .*Expired.*180 days"):
            self._ask(case, self.agent_2, "grace", day(40), day(41))
        self.company.collection_grace_period_days = 30
        second = self._ask(case, self.agent_2, "grace", day(40), day(41))
        self.assertEqual(second.state, "requested")

    def test_grace_bounds_and_four_eyes(self):
        case = self._open_case()
        with self.assertRefused(ValidationError, r"at most 3 days \(asked: 4 days\)"):
            self._ask(case, self.agent_1, "grace", day(2), day(5))
        with self.assertRefused(ValidationError, r"ends on or after its first day"):
            self._ask(case, self.agent_1, "grace", day(3), day(2))
        with self.assertRefused(UserError, "Give the customer.s reason"):
            self._ask(case, self.agent_1, "grace", day(2), day(3), reason=False)
        own = self._ask(case, self.manager, "grace", day(2), day(3))
        with self.assertRefused(UserError, "someone else must decide"):
            own.with_user(self.manager).action_approve()
        # The state and the approver move only through the buttons.
        with self.assertRefused(UserError, "cannot be edited"):
            own.with_user(self.manager).write({"state": "approved"})
        own.with_user(self.executive).action_refuse()
        self.assertEqual((own.state, own.approved_by_id), ("refused", self.executive))
        with self.assertRefused(UserError, "already decided"):
            own.with_user(self.executive).action_approve()
        self.assertIn(f"refused by {self.executive.name}", " ".join(self._notes(case)))
        with self.assertRefused(ValidationError, "between 1 and 15"):
            self.company.collection_grace_max_days = 0

    # ------------------------------------------------------------------
    # Approved pause (solar policy)
    # ------------------------------------------------------------------

    def test_pause_needs_an_executive_and_a_renewal_needs_a_new_approval(self):
        case = self._open_case()
        pause = self._ask(
            case, self.agent_1, "pause", day(2), day(31), reason="Installation permit delayed"
        )
        with self.assertRefused(AccessError, "decided by a Collections Executive"):
            pause.with_user(self.manager).action_approve()
        # Not approved: the run goes on as usual.
        self._run(day(7))
        self.assertEqual(case.collection_level_id.code, "L2")
        pause.with_user(self.executive).action_approve()
        self.assertEqual(pause.approved_by_id, self.executive)
        reminders_before = len(case.collection_reminder_ids)
        self._run(day(15))
        self.assertEqual(len(case.collection_reminder_ids), reminders_before)
        self.assertEqual(case.next_reminder_date, day(15))
        with self.assertRefused(UserError, "already has an approved Approved Pause"):
            self._ask(case, self.agent_1, "grace", day(20), day(21))
        with self.assertRefused(ValidationError, r"at most 30 days"):
            self._ask(case, self.agent_1, "pause", day(32), day(62))
        renewal = self._ask(case, self.agent_1, "pause", day(32), day(40))
        # The renewal is not approved: the first pause expires and reminders resume.
        self._run(day(32))
        self.assertEqual((pause.state, renewal.state), ("expired", "requested"))
        self.assertGreater(len(case.collection_reminder_ids), reminders_before)
        renewal.with_user(self.executive).action_approve()
        self.assertEqual(renewal.state, "approved")

    # ------------------------------------------------------------------
    # no_billing (solar policy)
    # ------------------------------------------------------------------

    def test_no_billing_first_month_then_one_approved_extension(self):
        case = self._open_case()
        tag = self._ask(case, self.agent_1, "no_billing", day(2), day(31), reason="Inverter fault")
        self.assertEqual(tag.state, "approved")
        self.assertFalse(tag.approved_by_id)
        self.assertTrue(tag.policy_approved, "the tag says the policy, not a person, approved it")
        self.assertIn("without approval", " ".join(self._notes(case)))
        self._run(day(7))
        self.assertEqual(case.collection_level_id.code, "L1")
        extension = self._ask(case, self.agent_1, "no_billing", day(32), day(61))
        self.assertEqual(extension.state, "requested")
        with self.assertRefused(AccessError, "Executive"):
            extension.with_user(self.manager).action_approve()
        extension.with_user(self.executive).action_approve()
        self.assertEqual(extension.approved_by_id, self.executive)
        self.assertFalse(extension.policy_approved)
        self._run(day(32))
        self.assertEqual((tag.state, extension.state), ("expired", "approved"))
        self.assertEqual(case.collection_level_id.code, "L1")
        with self.assertRefused(UserError, "already extended once"):
            self._ask(case, self.agent_1, "no_billing", day(62), day(70))
        self._run(day(62))
        self.assertEqual(extension.state, "expired")
        self.assertEqual(case.collection_level_id.code, "L3")

    def test_an_approval_always_says_who_approved(self):
        """Audit: only the first no_billing period is in force by policy; no
        caller, not even server code, can mark another exception approved
        without an approver, nor claim the policy approved it."""
        case = self._open_case()
        grace = self._ask(case, self.agent_1, "grace", day(2), day(3))
        with self.assertRefused(UserError, "only through the record.s buttons"):
            grace.with_user(self.agent_1).write({"policy_approved": True, "state": "approved"})
        with self.assertRefused(ValidationError, "names who approved"):
            grace.sudo()._collection_action_write({"state": "approved", "policy_approved": True})
        with self.assertRefused(ValidationError, "names who approved"):
            grace.sudo()._collection_action_write({"state": "approved"})
        self.assertEqual((grace.state, grace.approved_by_id), ("requested", self.env["res.users"]))

    def test_agents_see_only_their_cases_exceptions(self):
        case = self._open_case()
        grace = self._ask(case, self.agent_1, "grace", day(2), day(3))
        outsider = new_test_user(
            self.env, login="coll-agent-out", groups="collections_dunning.group_collection_agent"
        )
        with self.assertRaises(AccessError):
            grace.with_user(outsider).read(["state"])
        with self.assertRaises(AccessError):
            self._ask(case, self.support_user, "grace", day(2), day(3))
