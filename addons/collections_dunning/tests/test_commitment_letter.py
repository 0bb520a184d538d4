import base64
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

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

    # Issue 12: the agent's "Log Contact" dialog records a promise to pay as a
    # signed commitment letter, through the same rules as the case's button.

    def _log_contact_form(self, n=6):
        action = self.case.with_user(self.agent_1).action_log_contact()
        return Form(
            self.env["collection.interaction"]
            .with_user(self.agent_1)
            .with_context(**action["context"]),
            view=action["views"][0][0],
        )

    def _log_letter(self, n=6, days=3, attach=True, **values):
        """Log Contact on day ``n``: the customer promised to pay the overdue in
        ``days`` days and signed the letter (RPC-style create, as the dialog saves)."""
        with freeze_time(day(n)):
            vals = {
                "ticket_id": self.case.id,
                "status_id": self.env.ref("collections_dunning.disposition_contacted").id,
                "reason_id": self.env.ref("collections_dunning.disposition_contacted_ptp").id,
                "resolution_id": self.env.ref(
                    "collections_dunning.disposition_contacted_ptp_scheduled"
                ).id,
                "promise_amount": 1200.0,
                "promise_date": DUE + timedelta(days=n + days),
                "is_commitment_letter": True,
            }
            if attach:
                vals["commitment_letter_ids"] = [Command.set(self._letter_scan(self.agent_1).ids)]
            vals.update(values)
            return self.env["collection.interaction"].with_user(self.agent_1).create(vals)

    def test_log_contact_records_a_commitment_letter(self):
        with freeze_time(day(6)):
            form = self._log_contact_form()
            form.status_id = self.env.ref("collections_dunning.disposition_contacted")
            form.reason_id = self.env.ref("collections_dunning.disposition_contacted_ptp")
            form.resolution_id = self.env.ref(
                "collections_dunning.disposition_contacted_ptp_scheduled"
            )
            form.promise_amount = 1200.0
            form.promise_date = DUE + timedelta(days=9)
            form.is_commitment_letter = True
            # a disposition without a promise has no letter; back to the promise
            form.reason_id = self.env.ref("collections_dunning.disposition_contacted_dispute")
            self.assertFalse(form.is_commitment_letter)
            form.reason_id = self.env.ref("collections_dunning.disposition_contacted_ptp")
            form.resolution_id = self.env.ref(
                "collections_dunning.disposition_contacted_ptp_scheduled"
            )
            form.promise_amount = 1200.0
            form.promise_date = DUE + timedelta(days=9)
            form.is_commitment_letter = True
            form.commitment_letter_ids.add(self._letter_scan(self.agent_1))
            interaction = form.save()
        letter = interaction.promise_id
        self.assertEqual(letter.promise_type, "commitment_letter")
        self.assertEqual((letter.amount, letter.date), (1200.0, DUE + timedelta(days=9)))
        self.assertEqual(letter.interaction_id, interaction)
        self.assertEqual(letter.user_id, self.agent_1)
        self.assertEqual(letter.attachment_ids.name, "commitment-letter-signed.pdf")
        self.assertEqual(self.case.promise_ids, letter)
        notes = " ".join(self._notes(self.case))
        self.assertIn("Commitment letter recorded by", notes)
        self.assertIn("signed letter attached", notes)
        # kept or broken like any commitment letter: nothing paid by day 9
        self._run(10)
        self.assertEqual(letter.state, "broken")

    def test_log_contact_letter_refusals(self):
        with self.assertRefused(ValidationError, "payment within 3 days"):
            self._log_letter(days=4)
        with self.assertRefused(ValidationError, "Attach the signed commitment letter"):
            self._log_letter(attach=False)
        with self.assertRefused(ValidationError, "A commitment letter is a promise to pay"):
            self._log_letter(
                reason_id=self.env.ref("collections_dunning.disposition_contacted_dispute").id,
                resolution_id=self.env.ref(
                    "collections_dunning.disposition_contacted_dispute_escalated"
                ).id,
            )
        self.assertFalse(self.case.interaction_ids, "nothing half-written")
        self.assertFalse(self.case.promise_ids)
        # the company's days: 4 is fine once the company allows it
        self.company.collection_commitment_letter_days = 4
        self.assertEqual(self._log_letter(days=4).promise_id.promise_type, "commitment_letter")
