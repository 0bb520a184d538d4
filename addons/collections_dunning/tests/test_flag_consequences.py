import re
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from ..models.collection_company_contact import collection_reference_script_leaks
from .common import CollectionsCommon

DUE = date(2026, 1, 31)


def day(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestFlagConsequences(CollectionsCommon):
    """Issue 12: an uncooperative customer goes to field recovery; an unreachable
    one gets reference calls (with a script that says nothing of the account)
    and a field visit; the unreachable window is N attempts per channel in D days.

    The customer's policy sends no reminders, so only the contacts logged here
    count as attempts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {
                "phone": "+91 80 4000 1234",
                "country_id": cls.env.ref("base.in").id,
                "street": "7 Test Street",
                "city": "Pune",
            }
        )
        cls.policy = cls.env["collection.policy"].create(
            {
                "name": "Quiet",
                "paid_stage_id": cls.env.ref("collections_dunning.helpdesk_stage_paid").id,
                "level_ids": [Command.create({"code": "Q1", "name": "Overdue", "dpd_from": 1})],
            }
        )
        cls.customer.collection_policy_id = cls.policy
        cls.field_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Field Recovery", "is_collection_team": True}
        )
        cls.company.collection_uncooperative_team_id = cls.field_team
        cls.brother = cls.env["collection.reference"].create(
            {"partner_id": cls.customer.id, "name": "Ravi", "relation": "family", "phone": "+91 1"}
        )
        cls.office = cls.env["collection.reference"].create(
            {"partner_id": cls.customer.id, "name": "Acme HR", "relation": "colleague"}
        )
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 1234.0)

    def d(self, xmlid):
        return self.env.ref(f"collections_dunning.disposition_{xmlid}")

    def _run(self, n):
        with freeze_time(day(n)):
            self.env["collection.policy"]._cron_run()
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _log(self, case, n, status, reason, resolution, channel="call", hour=10):
        with freeze_time(day(n, hour)):
            return (
                self.env["collection.interaction"]
                .with_user(self.agent_1)
                .create(
                    {
                        "ticket_id": case.id,
                        "channel": channel,
                        "status_id": self.d(status).id,
                        "reason_id": self.d(reason).id,
                        "resolution_id": self.d(resolution).id,
                    }
                )
            )

    def _no_answer(self, case, n, channel):
        """Three unanswered attempts on ``channel`` on day ``n``."""
        for k in range(3):
            self._log(
                case,
                n,
                "not_contacted",
                "not_contacted_no_answer",
                "not_contacted_no_answer_unreachable",
                channel=channel,
                hour=9 + k,
            )

    def _activities(self, case, summary):
        return case.activity_ids.filtered(lambda a: summary in (a.summary or ""))

    # Uncooperative -----------------------------------------------------------

    def test_uncooperative_is_handed_over_once(self):
        case = self._run(1)
        self._log(case, 2, "contacted", "contacted_refused", "contacted_refused_escalated")
        self.assertTrue(self.customer.collection_uncooperative)
        self.assertEqual(case.collection_escalation_date, (DUE + timedelta(days=2)))
        handed = [note for note in self._notes(case) if "Handed over to Field Recovery" in note]
        self.assertEqual(len(handed), 1)
        self._run(3)
        self._run(4)
        self._log(case, 5, "contacted", "contacted_refused", "contacted_refused_escalated")
        handed = [note for note in self._notes(case) if "Handed over to Field Recovery" in note]
        self.assertEqual(len(handed), 1, "once, when the flag is raised")

    def test_uncooperative_without_a_team_is_only_flagged(self):
        self.company.collection_uncooperative_team_id = False
        case = self._run(1)
        self._log(case, 2, "contacted", "contacted_refused", "contacted_refused_escalated")
        self.assertTrue(self.customer.collection_uncooperative)
        self.assertFalse(case.collection_escalation_date)

    def test_uncooperative_in_settlement_is_not_handed_over(self):
        case = self._run(1)
        self._log(case, 2, "contacted", "contacted_deceased", "contacted_deceased_settlement")
        self._log(case, 3, "contacted", "contacted_refused", "contacted_refused_escalated")
        self.assertTrue(self.customer.collection_uncooperative)
        self.assertFalse(case.collection_escalation_date)

    # Unreachable: the window -------------------------------------------------

    def test_attempts_spread_over_more_than_the_window_do_not_flag(self):
        case = self._run(1)
        self._no_answer(case, 2, "whatsapp")
        self._run(2)
        self._no_answer(case, 12, "call")
        self._run(12)
        self._no_answer(case, 23, "email")  # the WhatsApp attempts are 21 days old
        for n in (23, 24):
            self._run(n)
            self.assertFalse(self.customer.collection_unreachable, f"day {n}")
        self.assertFalse(self._activities(case, "Call reference"))
        # the window is the company's: 30 days cover the three channels
        self.company.collection_unreachable_days = 30
        self._run(25)
        self.assertTrue(self.customer.collection_unreachable)

    def test_three_attempts_on_each_channel_within_the_window_flag(self):
        case = self._run(1)
        self._no_answer(case, 2, "whatsapp")
        self._run(2)
        self._no_answer(case, 12, "call")
        self._run(12)
        self.assertFalse(self.customer.collection_unreachable)
        self._no_answer(case, 21, "email")  # the first attempts are 19 days old
        self._run(21)
        self.assertTrue(self.customer.collection_unreachable)
        self._run(22)
        self.assertFalse(
            self.customer.collection_unreachable, "the first WhatsApp attempt left the window"
        )
        self.company.collection_unreachable_attempts = 4
        self._no_answer(case, 24, "whatsapp")
        self._run(24)
        self.assertFalse(self.customer.collection_unreachable, "4 calls and 4 emails needed")

    # Unreachable: what it sets in motion ------------------------------------

    def test_unreachable_schedules_reference_calls_and_a_field_visit_once(self):
        case = self._run(1)
        for channel in ("whatsapp", "call", "email"):
            self._no_answer(case, 2, channel)
        self.assertTrue(self.customer.collection_unreachable)
        calls = self._activities(case, "Call reference")
        self.assertEqual(len(calls), 2)
        self.assertEqual(calls.user_id, case.user_id)
        self.assertEqual(calls.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(self.brother.call_activity_id | self.office.call_activity_id, calls)
        visit = self._activities(case, "Field visit")
        self.assertEqual(len(visit), 1)
        self.assertIn("7 Test Street", str(visit.note))
        # more runs, or reachable then unreachable again: nothing twice while pending
        self._run(3)
        self._log(case, 4, "contacted", "contacted_dispute", "contacted_dispute_escalated")
        self.assertFalse(self.customer.collection_unreachable)
        for channel in ("whatsapp", "call", "email"):
            self._no_answer(case, 30, channel)  # the contact of day 4 left the window
        self.assertTrue(self.customer.collection_unreachable)
        self.assertEqual(self._activities(case, "Call reference"), calls)
        self.assertEqual(self._activities(case, "Field visit"), visit)
        # a call made: the next episode schedules a new one for that reference
        ravi = calls.filtered(lambda a: "Ravi" in a.summary)
        ravi.action_feedback("Left a message")
        self.assertEqual(self.brother.call_activity_id, ravi)
        self.assertFalse(ravi.active, "done: the next unreachable spell schedules a new call")

    # References: data privacy ------------------------------------------------

    def test_reference_script_says_nothing_of_the_account(self):
        case = self._run(1)
        for channel in ("whatsapp", "call", "email"):
            self._no_answer(case, 2, channel)
        calls = self._activities(case, "Call reference")
        texts = [self.brother.call_script, self.office.call_script, *map(str, calls.mapped("note"))]
        amounts = {"1234", "1,234", str(case.amount_overdue)}
        self.assertEqual(
            collection_reference_script_leaks(self.company.collection_reference_script), []
        )
        for text in texts:
            self.assertIn(self.customer.name, text)
            for word in ("debt", "overdue", "loan", "amount", "due", "payment", *amounts):
                self.assertNotRegex(text.lower(), rf"\b{re.escape(word)}\b")

    def test_reference_script_with_the_debt_is_refused(self):
        settings = Form(self.env["res.config.settings"])
        settings.collection_reference_script = "Tell {customer} their loan of 1200 is overdue."
        with self.assertRefused(ValidationError, "loan, overdue"):
            settings.save()
        self.company.collection_reference_script = "Hi, this is {agent} for {customer}."
        self.assertEqual(
            self.brother.with_user(self.agent_1).sudo().call_script,
            f"Hi, this is {self.agent_1.name} for {self.customer.name}.",
        )
