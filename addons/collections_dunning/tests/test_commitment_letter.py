import base64
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


def day(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestCommitmentLetter(CollectionsCommon):
    """Lending flow: the agent secures a signed commitment letter to pay within
    3 days (a company setting); the daily run decides it kept or broken from
    real payments, and a broken one counts as a broken promise."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0})
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 1200.0)
        cls._run(5)
        cls.case = cls.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", cls.customer.id)]
        )
        cls.case.user_id = cls.agent_1

    @classmethod
    def _run(cls, n):
        with freeze_time(day(n)):
            cls.env["collection.policy"]._cron_run()

    def _letter_scan(self, user):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": "commitment-letter-signed.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4 signed"),
                    "res_model": "collection.promise",
                    "res_id": 0,
                }
            )
        )

    def _letter(self, n=6, user=None, attach=True, **values):
        """The agent's "Commitment Letter" button on day ``n``, then Record."""
        user = user or self.agent_1
        with freeze_time(day(n)):
            action = self.case.with_user(user).action_new_commitment_letter()
            vals = {}
            if attach:
                vals["attachment_ids"] = [Command.set(self._letter_scan(user).ids)]
            vals.update(values)
            return (
                self.env["collection.promise"]
                .with_user(user)
                .with_context(**action["context"])
                .create(vals)
            )

    def test_the_button_proposes_the_overdue_within_three_days(self):
        self.assertEqual(self.company.collection_commitment_letter_days, 3)
        with freeze_time(day(6)):
            action = self.case.with_user(self.agent_1).action_new_commitment_letter()
        context = action["context"]
        self.assertEqual(context["default_promise_type"], "commitment_letter")
        self.assertEqual(context["default_amount"], 1200.0)
        self.assertEqual(context["default_date"], (DUE + timedelta(days=9)))

    def test_recorded_letter_is_on_the_case(self):
        letter = self._letter()
        self.assertEqual((letter.promise_type, letter.state), ("commitment_letter", "open"))
        self.assertEqual(letter.user_id, self.agent_1)
        self.assertEqual(letter.attachment_ids.res_id, letter.id)
        note = self.case.message_ids.filtered(
            lambda m: "Commitment letter recorded" in (m.body or "")
        )
        self.assertEqual(note.attachment_ids.name, "commitment-letter-signed.pdf")
        self.assertIn(letter, self.case.promise_ids)
        self.assertIn(self.case, self.case._collection_reminders_paused())

    def test_refusals(self):
        with self.assertRefused(ValidationError, "Attach the signed commitment letter"):
            self._letter(attach=False)
        with self.assertRefused(ValidationError, "within 3 days"):
            self._letter(date=DUE + timedelta(days=10))
        self.company.collection_commitment_letter_days = 7
        self.assertEqual(self._letter(date=DUE + timedelta(days=10)).state, "open")
        with self.assertRefused(UserError, "recorded with Log Contact"):
            self._letter(promise_type="promise")
        support_ticket = self._create_ticket()
        with self.assertRefused(UserError, "case with Collections"):
            support_ticket.action_new_commitment_letter()
        letter = self.case.promise_ids[:1]
        with self.assertRefused(UserError, "cannot be edited"):
            letter.with_user(self.manager).write({"promise_type": "promise"})

    def test_kept_from_real_payments(self):
        letter = self._letter()
        with freeze_time(day(7)):
            self._pay(self.invoice, date=DUE + timedelta(days=7))
        self._run(8)
        self.assertEqual(letter.state, "kept")
        self.assertTrue(
            any("Commitment letter kept" in body for body in self._notes(self.case)),
        )

    def test_broken_counts_as_a_broken_promise(self):
        self.company.collection_broken_promises = 1
        letter = self._letter()
        self._run(9)
        self.assertEqual(letter.state, "open", "still within its date")
        self._run(10)
        self.assertEqual(letter.state, "broken")
        self.assertTrue(
            self.case.activity_ids.filtered(
                lambda a: "Commitment letter broken" in (a.summary or "")
            )
        )
        self.assertIn(self.customer.id, self.customer._collection_broke_promises(self.company))
        self.assertTrue(self.customer.collection_uncooperative)
