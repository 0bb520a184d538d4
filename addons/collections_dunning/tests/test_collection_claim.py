import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

NOW = "2026-03-02 10:00:00"


@tagged("post_install", "-at_install")
class TestCollectionClaim(CollectionsCommon):
    """Purifier SOP: a customer cites an earlier promise of validity or a
    discount; Support records the claim, a collections manager who did not
    record it confirms it (the ticket goes to Collections with the claim) or
    rejects it (the customer is told why)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.support = cls.support_team_user
        cls.manager_2 = new_test_user(
            cls.env, login="coll-manager-2", groups="collections_dunning.group_collection_manager"
        )
        cls.company.write({"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0})
        cls.ticket = cls._create_ticket(
            name="I was promised 3 free months",
            category_id=cls.category_billing.id,
        )

    def _upload(self, user, name="offer.png"):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(b"screenshot of the offer"),
                    "res_model": "collection.claim",
                    "res_id": 0,
                }
            )
        )

    def _claim(self, user=None, **values):
        user = user or self.support
        action = self.ticket.with_user(user).action_record_claim()
        vals = {
            "claim_type": "validity",
            "claimed_date": date(2026, 6, 30),
            "promised_by": "Sales executive at the installation",
            "promised_date": date(2026, 1, 15),
            "description": "The installer said my validity runs to the end of June.",
            "attachment_ids": [Command.set(self._upload(user).ids)],
        }
        vals.update(values)
        with freeze_time(NOW):
            return (
                self.env["collection.claim"]
                .with_user(user)
                .with_context(**action["context"])
                .create(vals)
            )

    def test_support_records_a_claim(self):
        claim = self._claim()
        self.assertEqual(claim.ticket_id, self.ticket)
        self.assertEqual(claim.partner_id, self.customer)
        self.assertEqual((claim.state, claim.recorded_by_id), ("claimed", self.support))
        self.assertEqual(
            (claim.attachment_ids.res_model, claim.attachment_ids.res_id),
            ("collection.claim", claim.id),
        )
        self.assertTrue(
            any("Claimed promise recorded" in body for body in self._notes(self.ticket))
        )
        self.assertEqual(self.ticket.claim_ids, claim)

    def test_a_claim_says_what_was_promised(self):
        with self.assertRefused(ValidationError, "how much discount"):
            self._claim(claim_type="discount", claimed_amount=0.0)
        with self.assertRefused(ValidationError, "until when"):
            self._claim(claimed_date=False)

    def test_state_and_recorder_are_not_sent_by_hand(self):
        claim = self._claim(state="confirmed", recorded_by_id=self.manager.id)
        self.assertEqual((claim.state, claim.recorded_by_id), ("claimed", self.support))
        with self.assertRefused(UserError, "cannot be edited"):
            claim.with_user(self.support).write({"state": "confirmed"})
        with self.assertRefused(UserError, "cannot be edited"):
            claim.with_user(self.manager).write({"verified_by_id": self.manager.id})

    def test_only_another_collections_manager_verifies(self):
        claim = self._claim()
        for user in (self.support, self.agent_1):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                claim.with_user(user).action_confirm()
        own = self._claim(user=self.manager)
        with self.assertRefused(UserError, "another collections manager"):
            own.with_user(self.manager).action_confirm()
        own.with_user(self.manager_2).action_confirm()
        self.assertEqual(own.verified_by_id, self.manager_2)
        self.assertEqual(claim.state, "claimed")

    def test_confirmed_claim_goes_to_collections_with_the_claim(self):
        claim = self._claim(claim_type="discount", claimed_amount=500.0, claimed_date=False)
        with freeze_time(NOW):
            claim.with_user(self.manager).action_confirm()
        self.assertEqual(claim.state, "confirmed")
        self.assertEqual(claim.verified_by_id, self.manager)
        ticket = self.ticket
        self.assertEqual(ticket.team_id, self.team_collections)
        self.assertIn("Confirmed claimed promise", ticket.collection_transfer_reason)
        self.assertIn("discount", ticket.collection_transfer_reason)
        posted = ticket.message_ids.filtered(
            lambda m: "Confirmed claimed promise" in (m.body or "") and m.attachment_ids
        )
        self.assertEqual(posted.attachment_ids.name, "offer.png")
        self.assertEqual(ticket.claim_ids, claim)
        with self.assertRefused(UserError, "already verified"):
            claim.with_user(self.manager_2).action_reject()
        with self.assertRefused(UserError, "cannot be edited"):
            claim.with_user(self.manager_2).write({"claimed_amount": 900.0})

    def test_rejected_claim_is_answered_with_the_reason(self):
        claim = self._claim()
        with self.assertRefused(UserError, "reason for rejecting"):
            claim.with_user(self.manager).action_reject()
        reason = "No such offer in June; validity ends in March."
        claim.with_user(self.manager).reject_reason = reason
        with freeze_time(NOW):
            claim.with_user(self.manager).action_reject()
        self.assertEqual((claim.state, claim.verified_by_id), ("rejected", self.manager))
        answer = self.ticket.message_ids.filtered(lambda m: "could not confirm" in (m.body or ""))
        self.assertEqual(len(answer), 1)
        self.assertIn(self.customer, answer.partner_ids)
        self.assertIn("No such offer in June", answer.body)
        self.assertEqual(self.ticket.team_id, self.team_support, "a rejected claim stays")

    def test_the_answer_follows_the_contact_rules(self):
        self._transfer(self.ticket)
        claim = self._claim(user=self.agent_1)
        claim.with_user(self.manager).reject_reason = "Not in our records."
        self.customer.collection_no_email = True
        with self.assertRefused(UserError, "opted out"):
            claim.with_user(self.manager).action_reject()
        self.assertEqual(claim.state, "claimed")

    def test_support_outside_the_ticket_does_not_see_the_claim(self):
        claim = self._claim()
        stranger = new_test_user(
            self.env, login="coll-support-own", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )
        self.assertFalse(self.env["collection.claim"].with_user(stranger).search([]))
        self.assertEqual(
            self.env["collection.claim"].with_user(self.manager_2).search([("id", "=", claim.id)]),
            claim,
        )
