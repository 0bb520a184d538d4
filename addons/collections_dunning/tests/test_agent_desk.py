from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


def day(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestAgentDesk(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 1200.0)

    def d(self, xmlid):
        return self.env.ref(f"collections_dunning.disposition_{xmlid}")

    def _run(self, n, hour=10):
        with freeze_time(day(n, hour)):
            self.env["collection.policy"]._cron_run()
            self._flush_outboxes()

    def _case(self):
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _log(self, ticket, status, reason=None, resolution=None, user=None, **values):
        vals = {
            "ticket_id": ticket.id,
            "status_id": self.d(status).id,
            "reason_id": reason and self.d(reason).id,
            "resolution_id": resolution and self.d(resolution).id,
        }
        vals.update(values)
        return self.env["collection.interaction"].with_user(user or self.agent_1).create(vals)

    def _promise(self, ticket, amount, promise_date):
        """Log "Contacted -> Promise to Pay -> Payment Scheduled" for ``amount``."""
        return self._log(
            ticket,
            "contacted",
            "contacted_ptp",
            "contacted_ptp_scheduled",
            promise_date=promise_date,
            promise_amount=amount,
        )

    # 3-layer disposition -------------------------------------------------

    def test_seeded_taxonomy_has_three_layers(self):
        statuses = self.env["collection.disposition"].search([("layer", "=", 1)])
        self.assertEqual(set(statuses.mapped("name")), {"Contacted", "Not Contacted", "Pending"})
        resolution = self.d("contacted_ptp_scheduled")
        self.assertEqual(resolution.complete_name, "Contacted → Promise to Pay → Payment Scheduled")
        self.assertEqual(resolution.layer, 3)

    def test_layer_must_hang_under_the_layer_above(self):
        with self.assertRefused(ValidationError, "parent must be of layer 2"):
            self.env["collection.disposition"].create(
                {"name": "Odd", "code": "odd", "layer": 3, "parent_id": self.d("contacted").id}
            )
        with self.assertRefused(ValidationError, "has no parent"):
            self.env["collection.disposition"].create(
                {"name": "Odd", "code": "odd", "layer": 1, "parent_id": self.d("contacted").id}
            )

    def test_resolution_under_wrong_reason_is_refused(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            with self.assertRefused(ValidationError, "does not belong to the reason"):
                self._log(
                    ticket,
                    "contacted",
                    "contacted_ptp",
                    "contacted_dispute_escalated",
                    promise_date=DUE + timedelta(days=5),
                    promise_amount=100,
                )
            with self.assertRefused(ValidationError, "does not belong to the status"):
                self._log(
                    ticket, "not_contacted", "contacted_dispute", "contacted_dispute_escalated"
                )
        self.assertFalse(ticket.interaction_ids)

    def _case_ticket(self):
        self._run(1)
        return self._case()

    # What follows a contact ----------------------------------------------

    def test_promise_needs_amount_and_date(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)), self.assertRaisesRegex(ValidationError, "amount and date"):
            self._log(ticket, "contacted", "contacted_ptp", "contacted_ptp_scheduled")

    def test_promise_kept_by_real_payment_closes_case(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            interaction = self._promise(ticket, 1200.0, DUE + timedelta(days=5))
        promise = interaction.promise_id
        self.assertEqual(promise.state, "open")
        self.assertEqual(ticket.first_contact_date, day(2))
        self.assertTrue(any("Promise to pay" in b for b in ticket.message_ids.mapped("body")))
        self._run(4)  # follow-up step of day 4 waits while the promise is open
        self.assertFalse(ticket.collection_reminder_ids.filtered(lambda r: r.channel == "activity"))
        with freeze_time(day(5)):
            self._pay(self.invoice, date=DUE + timedelta(days=5))
        self._run(5)
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.paid_amount, 1200.0)
        self.assertTrue(ticket.stage_id.closed)

    def test_broken_promise_alerts_agent_and_resumes_reminders(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            interaction = self._promise(ticket, 1200.0, DUE + timedelta(days=5))
        with freeze_time(day(4)):
            self._pay(self.invoice, amount=500.0, date=DUE + timedelta(days=4))
        self._run(5)
        self.assertEqual(interaction.promise_id.state, "open")
        self._run(6)
        promise = interaction.promise_id
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.paid_amount, 500.0)
        broken_activity = ticket.activity_ids.filtered(
            lambda a: "Promise broken" in (a.summary or "")
        )
        self.assertEqual(broken_activity.user_id, self.agent_1)
        # the day 4 follow-up was held back by the promise; now it is skipped:
        # the customer paid part of the overdue since entering L1
        follow_up = ticket.collection_reminder_ids.filtered(lambda r: r.channel == "activity")
        self.assertEqual(follow_up.state, "skipped")

    def test_payment_before_promise_does_not_count(self):
        ticket = self._case_ticket()
        with freeze_time(day(1, 11)):
            self._pay(self.invoice, amount=300.0, date=DUE + timedelta(days=1))
        with freeze_time(day(2)):
            interaction = self._promise(ticket, 300.0, DUE + timedelta(days=3))
        self._run(4)
        self.assertEqual(interaction.promise_id.state, "broken")

    def test_callback_schedules_activity_at_asked_time(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            with self.assertRaisesRegex(ValidationError, "when to call"):
                self._log(ticket, "contacted", "contacted_callback", "contacted_callback_scheduled")
            self._log(
                ticket,
                "contacted",
                "contacted_callback",
                "contacted_callback_scheduled",
                callback_date=day(3, 11),
            )
        activity = ticket.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("collections_dunning.mail_activity_type_callback")
            )
        )
        self.assertEqual(activity.date_deadline, DUE + timedelta(days=3))
        self.assertEqual(activity.user_id, self.agent_1)

    def test_payment_plan_instalments_kept_and_broken(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            plan = (
                self.env["collection.payment.plan"]
                .with_user(self.agent_1)
                .create(
                    {
                        "ticket_id": ticket.id,
                        "amount_total": 1000.0,
                        "instalment_count": 3,
                        "first_date": DUE + timedelta(days=10),
                        "interval_unit": "weeks",
                    }
                )
            )
            plan.action_compute_instalments()
            self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34])
            self.assertEqual(plan.line_ids[1].date, DUE + timedelta(days=17))
            plan.action_activate()
        self.assertIn(ticket, ticket._collection_reminders_paused())
        with freeze_time(day(9)):
            self._pay(self.invoice, amount=333.33, date=DUE + timedelta(days=9))
        self._run(11)
        self.assertEqual(plan.line_ids.mapped("state"), ["kept", "open", "open"])
        self.assertEqual(plan.state, "active")
        self._run(18)
        self.assertEqual(plan.line_ids.mapped("state"), ["kept", "broken", "open"])
        self.assertEqual(plan.state, "broken")
        self.assertNotIn(ticket, ticket._collection_reminders_paused())

    def test_refinancing_plan_from_case(self):
        ticket = self._case_ticket()
        action = ticket.with_user(self.agent_1).action_open_refinancing_plan()
        self.assertFalse(ticket.payment_plan_ids, "nothing is saved before the agent says so")
        plan = (
            self.env["collection.payment.plan"]
            .with_user(self.agent_1)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(plan.ticket_id, ticket)
        self.assertTrue(plan.is_refinancing)
        self.assertEqual(plan.amount_total, 1200.0)

    def test_closing_disposition_closes_ticket(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            # Issue 12: "Payment Completed" closes the case only once accounting agrees.
            self._pay(self.invoice, date=DUE + timedelta(days=2))
            self._log(ticket, "contacted", "contacted_paid", "contacted_paid_completed")
        self.assertTrue(ticket.stage_id.closed)

    def test_deceased_stops_recovery_and_needs_manager_approval(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            self._log(
                ticket,
                "contacted",
                "contacted_deceased",
                "contacted_deceased_settlement",
                note="Reported by the family",
            )
        settlement = ticket.settlement_ids
        self.assertEqual(settlement.state, "to_approve")
        self.assertEqual(settlement.requested_by_id, self.agent_1)
        self.assertIn(ticket, ticket._collection_reminders_paused())
        self._run(4)
        self.assertFalse(ticket.collection_reminder_ids.filtered(lambda r: r.channel == "activity"))
        with self.assertRaises(AccessError):
            settlement.with_user(self.agent_1).action_approve()
        settlement.with_user(self.manager).action_approve()
        self.assertEqual(settlement.state, "approved")
        self.assertEqual(settlement.decided_by_id, self.manager)

    # Unreachable and uncooperative ---------------------------------------

    def _attempts(self, ticket, channel, count, n=2, **values):
        for k in range(count):
            with freeze_time(day(n, 9 + k)):
                self._log(
                    ticket,
                    "not_contacted",
                    "not_contacted_no_answer",
                    "not_contacted_no_answer_unreachable",
                    channel=channel,
                    **values,
                )

    def test_unreachable_after_three_attempts_on_each_channel(self):
        ticket = self._case_ticket()
        self.customer.write({"collection_no_email": False})
        self._attempts(ticket, "whatsapp", 3)
        self._attempts(ticket, "call", 3)
        self.assertFalse(self.customer.collection_unreachable)
        self._attempts(ticket, "email", 2, n=3)
        # the automated L1 email of day 1 counts as the third
        self.assertTrue(self.customer.collection_unreachable)
        self.assertIn(
            ticket, self.env["helpdesk.ticket"].search([("partner_unreachable", "=", True)])
        )

    def test_co_subscriber_must_be_tried_too(self):
        ticket = self._case_ticket()
        co = self.env["collection.reference"].create(
            {"partner_id": self.customer.id, "name": "Spouse", "relation": "co_subscriber"}
        )
        for channel in ("whatsapp", "call", "email"):
            self._attempts(ticket, channel, 3)
        self.assertFalse(self.customer.collection_unreachable)
        self._attempts(ticket, "call", 3, n=4, reference_id=co.id)
        self.assertTrue(self.customer.collection_unreachable)

    def test_contact_in_window_means_reachable(self):
        ticket = self._case_ticket()
        for channel in ("whatsapp", "call", "email"):
            self._attempts(ticket, channel, 3)
        self.assertTrue(self.customer.collection_unreachable)
        with freeze_time(day(5)):
            self._log(ticket, "contacted", "contacted_dispute", "contacted_dispute_escalated")
        self.assertFalse(self.customer.collection_unreachable)

    def test_unreachable_threshold_is_configurable(self):
        self.company.collection_unreachable_attempts = 1
        ticket = self._case_ticket()  # the day 1 email went out
        whatsapp = ticket.collection_reminder_ids.filtered(lambda r: r.channel == "whatsapp")
        self.assertEqual(whatsapp.state, "manual", "no gateway: an agent sends it by hand")
        self._attempts(ticket, "call", 1)
        self.assertFalse(
            self.customer.collection_unreachable, "a WhatsApp nobody sent is no attempt"
        )
        with freeze_time(day(1, 11)):
            whatsapp.activity_id.with_user(ticket.user_id).action_feedback("Sent from the phone")
        self.assertEqual(whatsapp.state, "sent")
        self._attempts(ticket, "call", 1)
        self.assertTrue(self.customer.collection_unreachable)

    def test_explicit_refusal_is_uncooperative(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            self._log(ticket, "contacted", "contacted_refused", "contacted_refused_escalated")
        self.assertTrue(self.customer.collection_uncooperative)
        self.assertIn(
            ticket, self.env["helpdesk.ticket"].search([("partner_uncooperative", "=", True)])
        )

    def test_false_payment_claim_is_uncooperative(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            self._log(ticket, "contacted", "contacted_paid", "contacted_paid_false_claim")
        self.assertTrue(self.customer.collection_uncooperative)

    def test_three_broken_promises_make_uncooperative(self):
        ticket = self._case_ticket()
        for k in range(3):
            with freeze_time(day(2 + 2 * k)):
                self._promise(ticket, 100.0, DUE + timedelta(days=2 + 2 * k))
            self._run(3 + 2 * k)
            self.assertEqual(self.customer.collection_uncooperative, k == 2)

    # Contact rules ---------------------------------------------------------

    def test_contact_outside_hours_is_refused(self):
        ticket = self._case_ticket()
        self.customer.tz = "Asia/Kolkata"
        with freeze_time(day(2, 15)):  # 20:30 in Kolkata
            with self.assertRefused(
                UserError, r"outside contact hours \(08:00-19:00, Asia/Kolkata\)"
            ):
                self._log(ticket, "contacted", "contacted_dispute", "contacted_dispute_escalated")
        self.assertFalse(ticket.interaction_ids)
        with freeze_time(day(2, 15)):
            interaction = (
                self.env["collection.interaction"]
                .with_user(self.manager)
                .with_context(collection_override_reason="Customer asked for a late call")
                .create(
                    {
                        "ticket_id": ticket.id,
                        "status_id": self.d("contacted").id,
                        "reason_id": self.d("contacted_dispute").id,
                        "resolution_id": self.d("contacted_dispute_escalated").id,
                    }
                )
            )
        self.assertTrue(interaction.is_override)
        self.assertEqual(interaction.override_reason, "Customer asked for a late call")

    def test_agent_cannot_override(self):
        ticket = self._case_ticket()
        with freeze_time(day(2, 21)), self.assertRaises(UserError):
            self.env["collection.interaction"].with_user(self.agent_1).with_context(
                collection_override_reason="please"
            ).create(
                {
                    "ticket_id": ticket.id,
                    "status_id": self.d("contacted").id,
                    "reason_id": self.d("contacted_dispute").id,
                    "resolution_id": self.d("contacted_dispute_escalated").id,
                }
            )

    def test_call_cap_per_rolling_window(self):
        ticket = self._case_ticket()
        for k in range(7):
            with freeze_time(day(2 + k // 4, 9 + k % 4)):
                self._log(
                    ticket,
                    "not_contacted",
                    "not_contacted_no_answer",
                    "not_contacted_no_answer_unreachable",
                    channel="call",
                )
        with (
            freeze_time(day(4, 15)),
            self.assertRaisesRegex(UserError, r"already 7 call attempts in 7 days"),
        ):
            self._log(
                ticket,
                "not_contacted",
                "not_contacted_no_answer",
                "not_contacted_no_answer_unreachable",
                channel="call",
            )
        with freeze_time(day(10, 9)):  # the first calls left the window
            self._log(
                ticket,
                "not_contacted",
                "not_contacted_no_answer",
                "not_contacted_no_answer_unreachable",
                channel="call",
            )

    def test_opt_out_refuses_channel(self):
        ticket = self._case_ticket()
        self.customer.collection_no_call = True
        with freeze_time(day(2)), self.assertRaisesRegex(UserError, "opted out of call"):
            self._log(ticket, "contacted", "contacted_dispute", "contacted_dispute_escalated")
        with freeze_time(day(2)):
            self._log(
                ticket,
                "contacted",
                "contacted_dispute",
                "contacted_dispute_escalated",
                channel="email",
            )

    def test_run_postpones_outside_hours_and_sends_later(self):
        self._run(1, hour=3)  # 03:00 UTC: before 08:00
        reminders = self._case().collection_reminder_ids
        self.assertEqual(set(reminders.mapped("state")), {"queued"})
        self.assertIn("Postponed: outside contact hours", reminders[0].reason)
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.customer.id)]))
        with freeze_time(day(1, 9)):
            self.env["collection.reminder"]._cron_send_queued()
            self._flush_outboxes()
        self.assertEqual(
            {reminder.channel: reminder.state for reminder in reminders},
            {"sms": "sent", "email": "sent", "whatsapp": "manual", "ivr": "manual"},
        )
        self.assertEqual(
            len(self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])), 1
        )

    def test_run_skips_opted_out_channel(self):
        self.customer.collection_no_sms = True
        self._run(1)
        by_channel = {r.channel: r for r in self._case().collection_reminder_ids}
        self.assertEqual(by_channel["sms"].state, "skipped")
        self.assertEqual(by_channel["email"].state, "sent")

    # Access and views --------------------------------------------------------

    def test_agents_see_only_their_teams_interactions(self):
        ticket = self._case_ticket()
        with freeze_time(day(2)):
            self._log(ticket, "contacted", "contacted_dispute", "contacted_dispute_escalated")
        outsider = new_test_user(
            self.env,
            login="coll-agent-outside",
            groups="collections_dunning.group_collection_agent",
        )
        other_team = self.env["helpdesk.ticket.team"].create(
            {
                "name": "Recovery East",
                "is_collection_team": True,
                "user_ids": [Command.link(outsider.id)],
            }
        )
        self.assertTrue(other_team)
        Interaction = self.env["collection.interaction"]
        self.assertEqual(
            len(Interaction.with_user(self.agent_2).search([("ticket_id", "=", ticket.id)])), 1
        )
        self.assertFalse(Interaction.with_user(outsider).search([("ticket_id", "=", ticket.id)]))
        self.assertEqual(
            len(Interaction.with_user(self.manager).search([("ticket_id", "=", ticket.id)])), 1
        )
        with self.assertRaises(AccessError):
            Interaction.with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            Interaction.with_user(self.support_user).search([])

    def test_kanban_card_and_form_offer_log_contact(self):
        kanban = self.env.ref("collections_dunning.helpdesk_ticket_view_kanban_cases")
        arch = self.env["helpdesk.ticket"].get_view(kanban.id, "kanban")["arch"]
        self.assertIn('name="action_log_contact"', arch)
        form = (
            self.env["helpdesk.ticket"].with_user(self.agent_1).get_view(view_type="form")["arch"]
        )
        self.assertIn('name="interaction_ids"', form)
        action = self._case_ticket().with_user(self.agent_1).action_log_contact()
        self.assertEqual(action["res_model"], "collection.interaction")
        self.assertEqual(action["target"], "new")
