from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon

DUE = date(2026, 3, 2)


class SolarPolicyCommon(CollectionsCommon):
    """A solar policy (S1 1-30, S2 31-60, S3 over 60 days past due) whose S1
    reminds by email on its first and sixth day and, for a customer with an open
    service issue, acknowledges the issue by email instead; a customer on it with
    an email address, and the daily run on day n after ``DUE``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.category_service = env["helpdesk.ticket.category"].create(
            {"name": "PV production issue (O&M)"}
        )
        reminder = env.ref("collections_dunning.mail_template_reminder")
        cls.policy = env["collection.policy"].create(
            {
                "name": "Solar subscription policy",
                "paid_stage_id": env.ref("collections_dunning.helpdesk_stage_paid").id,
                "service_issue_category_ids": [Command.set(cls.category_service.ids)],
                "level_ids": [
                    Command.create({"code": code, "name": code, "dpd_from": low, "dpd_to": high})
                    for code, low, high in (("S1", 1, 30), ("S2", 31, 60), ("S3", 61, 0))
                ],
            }
        )
        cls.levels = {level.code: level for level in cls.policy.level_ids}
        Step = env["collection.reminder.step"]
        cls.pay_day_0, cls.pay_day_5 = Step.create(
            [
                {
                    "level_id": cls.levels["S1"].id,
                    "channel": "email",
                    "day_offset": day,
                    "mail_template_id": reminder.id,
                }
                for day in (0, 5)
            ]
        )
        cls.service_step = Step.create(
            {
                "level_id": cls.levels["S1"].id,
                "channel": "email",
                "day_offset": 0,
                "message_set": "service_issue",
                "mail_template_id": env.ref("collections_dunning.mail_template_service_issue").id,
            }
        )
        cls.customer.collection_policy_id = cls.policy

    def _run_day(self, n):
        """The daily run on day ``n`` past due, at 10:00 UTC (within contact hours)."""
        when = fields.Datetime.to_datetime(DUE) + timedelta(days=n, hours=10)
        with freeze_time(when):
            self.env["collection.policy"]._cron_run()
        return self._case()

    def _case(self, partner=None):
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", (partner or self.customer).id)]
        )

    @classmethod
    def _invoice(cls, partner=None, amount=1000.0, **values):
        with freeze_time(DUE):
            invoice = cls._create_invoice(partner or cls.customer, DUE, amount)
        if values:
            invoice.write(values)
        return invoice

    def _closed_stage(self):
        return self.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)

    def _reminder(self, case, step):
        return case.collection_reminder_ids.filtered(lambda r: r.step_id == step)


@tagged("post_install", "-at_install")
class TestServiceIssueFirst(SolarPolicyCommon):
    """Solar policy, Service issues: a customer with an open service ticket of a
    configured category gets the service-issue message set instead of payment
    reminders, and is still billed; once the ticket is closed, payment reminders
    resume."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoice()

    def _service_ticket(self, category=None):
        return self._create_ticket(
            name="Inverter shows no production since Monday",
            category_id=(category or self.category_service).id,
            purifier_id=False,
        )

    def test_open_service_ticket_gets_the_service_message_not_the_payment_one(self):
        service = self._service_ticket()
        case = self._run_day(1)
        self.assertTrue(case, "the case is opened all the same")
        self.assertEqual(case.collection_service_issue_id, service)
        acknowledgement = self._reminder(case, self.service_step)
        self.assertEqual(acknowledgement.state, "sending")
        self.assertIn(service.number, acknowledgement.mail_id.subject)
        self.assertIn("energy guarantee", acknowledgement.mail_id.body_html)
        self.assertNotIn("overdue", acknowledgement.mail_id.body_html)
        demand = self._reminder(case, self.pay_day_0)
        self.assertEqual(demand.state, "skipped")
        self.assertFalse(demand.mail_id, "no payment demand left Odoo")
        self.assertIn(f"Service issue open: {service.display_name}", demand.reason)
        # still billed: the case keeps its figures and moves through the levels
        case = self._run_day(6)
        self.assertEqual(self._reminder(case, self.pay_day_5).state, "skipped")
        self.assertEqual(case.amount_overdue, 1000.0)
        case = self._run_day(31)
        self.assertEqual(case.collection_level_id, self.levels["S2"])
        payment_mails = self.env["mail.mail"].search(
            [("subject", "like", "Payment reminder"), ("recipient_ids", "in", self.customer.ids)]
        )
        self.assertFalse(payment_mails)

    def test_closed_service_ticket_resumes_payment_reminders(self):
        service = self._service_ticket()
        case = self._run_day(1)
        self.assertEqual(self._reminder(case, self.pay_day_0).state, "skipped")
        service.stage_id = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        case.invalidate_recordset(["collection_service_issue_id"])
        self.assertFalse(case.collection_service_issue_id)
        case = self._run_day(6)
        demand = self._reminder(case, self.pay_day_5)
        self.assertEqual(demand.state, "sending")
        self.assertIn("Payment reminder", demand.mail_id.subject)
        # the demand held while the issue was open is not sent late
        self.assertEqual(self._reminder(case, self.pay_day_0).state, "skipped")
        self.assertEqual(len(self._reminder(case, self.service_step)), 1)

    def test_payment_reminder_queued_before_the_issue_is_checked_again(self):
        # 03:00 UTC is outside the contact hours: the day's demand waits in the queue
        with freeze_time(fields.Datetime.to_datetime(DUE) + timedelta(days=1, hours=3)):
            self.env["collection.policy"]._cron_run()
        demand = self._reminder(self._case(), self.pay_day_0)
        self.assertEqual(demand.state, "queued")
        service = self._service_ticket()
        with freeze_time(fields.Datetime.to_datetime(DUE) + timedelta(days=1, hours=10)):
            self.env["collection.reminder"]._cron_send_queued()
        self.assertEqual(demand.state, "skipped")
        self.assertFalse(demand.mail_id)
        self.assertIn(f"service issue open: {service.display_name}", demand.reason)

    def test_service_message_not_sent_once_the_issue_closed(self):
        service = self._service_ticket()
        with freeze_time(fields.Datetime.to_datetime(DUE) + timedelta(days=1, hours=3)):
            self.env["collection.policy"]._cron_run()
        acknowledgement = self._reminder(self._case(), self.service_step)
        self.assertEqual(acknowledgement.state, "queued")
        service.stage_id = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        with freeze_time(fields.Datetime.to_datetime(DUE) + timedelta(days=1, hours=10)):
            self.env["collection.reminder"]._cron_send_queued()
        self.assertEqual(acknowledgement.state, "skipped")
        self.assertIn("service issue was closed", acknowledgement.reason)

    def test_category_not_configured_gets_normal_reminders(self):
        wifi = self._service_ticket(category=self.category_wifi)
        case = self._run_day(1)
        self.assertTrue(wifi.exists())
        self.assertFalse(case.collection_service_issue_id)
        self.assertEqual(self._reminder(case, self.pay_day_0).state, "sending")
        self.assertFalse(self._reminder(case, self.service_step), "the service step is dormant")

    def test_policy_without_categories_ignores_service_tickets(self):
        self.policy.service_issue_category_ids = [Command.clear()]
        self._service_ticket()
        case = self._run_day(1)
        self.assertFalse(case.collection_service_issue_id)
        self.assertEqual(self._reminder(case, self.pay_day_0).state, "sending")

    def test_issue_opened_mid_level_sends_the_acknowledgement_once(self):
        case = self._run_day(1)
        self.assertEqual(self._reminder(case, self.pay_day_0).state, "sending")
        self.assertFalse(self._reminder(case, self.service_step))
        self._service_ticket()
        case = self._run_day(3)
        self.assertEqual(self._reminder(case, self.service_step).state, "sending")
        self._run_day(4)
        self.assertEqual(len(self._reminder(case, self.service_step)), 1)

    def test_service_step_cannot_be_a_notice_of_default(self):
        with self.assertRefused(ValidationError, "cannot be a notice of default"):
            self.env["collection.reminder.step"].create(
                {
                    "level_id": self.levels["S2"].id,
                    "channel": "notice_of_default",
                    "message_set": "service_issue",
                }
            )


@tagged("post_install", "-at_install")
class TestDownpaymentEntryGate(SolarPolicyCommon):
    """Solar policy, Prepayments / Down payments: a downpayment customer enters
    collections only after the welcome call or a first downpayment payment is
    recorded; the welcome call is recorded by its button only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.downpayment_entry_gate = True
        cls.internal_user = new_test_user(cls.env, login="coll-internal", groups="base.group_user")

    def test_downpayment_customer_without_welcome_call_gets_no_case(self):
        self._invoice(is_downpayment=True)
        other = self.env["res.partner"].create(
            {
                "name": "Household 8",
                "email": "h8@example.com",
                "collection_policy_id": self.policy.id,
            }
        )
        self._invoice(other)
        self.assertFalse(self._run_day(5), "waits for the welcome call")
        self.assertTrue(self._case(other), "an ordinary invoice opens a case as before")
        log = self.env["collection.run.log"].search([], order="id desc", limit=1)
        self.assertEqual(log.customers_waiting, 1, "the run log counts who waits")

    def test_welcome_call_opens_the_case_on_the_next_run(self):
        self._invoice(is_downpayment=True)
        self.assertFalse(self._run_day(5))
        with freeze_time(fields.Datetime.to_datetime(DUE) + timedelta(days=5, hours=12)):
            self.customer.with_user(self.support_user).action_collection_record_welcome_call()
        self.assertEqual(self.customer.collection_welcome_call_date, DUE + timedelta(days=5))
        self.assertEqual(self.customer.collection_welcome_call_user_id, self.support_user)
        case = self._run_day(6)
        self.assertTrue(case)
        self.assertEqual(case.collection_dpd, 6)
        with self.assertRefused(UserError, "already recorded on"):
            self.customer.with_user(self.agent_1).action_collection_record_welcome_call()

    def test_first_downpayment_paid_opens_the_case(self):
        first = self._invoice(is_downpayment=True)
        second = self._invoice(is_downpayment=True)
        self.assertFalse(self._run_day(5))
        self._pay(first, date=DUE + timedelta(days=5))
        case = self._run_day(6)
        self.assertTrue(case, "the first downpayment is paid: collections may engage")
        self.assertEqual(case.overdue_invoice_ids, second)

    def test_gate_is_configuration(self):
        self.policy.downpayment_entry_gate = False
        self._invoice(is_downpayment=True)
        self.assertTrue(self._run_day(5))

    def test_welcome_call_is_not_written_by_hand(self):
        day = DUE + timedelta(days=1)
        for user in (self.support_user, self.agent_1, self.manager):
            with self.assertRefused(UserError, "Record Welcome Call button"):
                self.customer.with_user(user).write({"collection_welcome_call_date": day})
        with self.assertRefused(UserError, "Record Welcome Call button"):
            self.env["res.partner"].with_user(self.manager).create(
                {"name": "Household 9", "collection_welcome_call_date": day}
            )
        with self.assertRefused(AccessError, "Only Support and Collections users"):
            self.customer.with_user(self.internal_user).action_collection_record_welcome_call()
        self.assertFalse(self.customer.collection_welcome_call_date)
        self._invoice(is_downpayment=True)
        self.assertFalse(self._run_day(5))
