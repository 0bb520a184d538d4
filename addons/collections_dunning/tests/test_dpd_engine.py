from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.collections_dunning import bulk_sql

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


def day(n):
    """Day ``n`` past the due date of the first invoice."""
    return DUE + timedelta(days=n)


@tagged("post_install", "-at_install")
class TestDpdEngine(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env.ref("collections_dunning.policy_sop")
        cls.level = {
            code: cls.env.ref(f"collections_dunning.policy_sop_{code.lower()}")
            for code in ("L1", "L2", "L3")
        }
        # L3 hands its cases over to a next team (Asset Recovery sets its own)
        cls.next_team = cls.env["helpdesk.ticket.team"].create({"name": "Next Team"})
        cls.level["L3"].hand_over_team_id = cls.next_team
        cls.customer.write({"phone": "080 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 1200.0)
        cls.Reminder = cls.env["collection.reminder"]

    def _run(self, n):
        # 10:00 UTC: inside the default contact hours (08:00-19:00)
        with freeze_time(f"{day(n)} 10:00:00"):
            self.env["collection.policy"]._cron_run()
            self._flush_outboxes()

    def _case(self):
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _sent(self):
        """Steps that went out, or (WhatsApp and IVR without a gateway, as shipped)
        were handed to the agent to send by hand."""
        return {
            (reminder.due_date, reminder.channel)
            for reminder in self.Reminder.search([("ticket_id", "in", self._case().ids)])
            if reminder.state in ("sent", "manual")
        }

    def test_walk_from_day_1_to_day_75(self):
        self._run(0)
        self.assertFalse(self._case(), "not overdue on its due date")
        for n in range(1, 76):
            self._run(n)
        case = self._case()
        self.assertEqual(len(case), 1)
        self.assertEqual(case.collection_dpd, 75)
        self.assertEqual(case.amount_overdue, 1200.0)
        self.assertEqual(case.overdue_invoice_ids, self.invoice)
        self.assertEqual(case.collection_level_id, self.level["L3"])
        self.assertEqual(case.stage_id, self.env.ref("collections_dunning.helpdesk_stage_l3"))
        expected = {
            # L1 on entry (day 1): SMS, email, IVR, WhatsApp; follow-up 3 days later
            (day(1), "sms"), (day(1), "email"), (day(1), "ivr"), (day(1), "whatsapp"),
            (day(4), "activity"),
            # L2: agent follow-up on entry (day 7), reminders on days 15, 30, 45
            (day(7), "activity"),
            (day(15), "sms"), (day(15), "email"), (day(15), "whatsapp"),
            (day(30), "sms"), (day(30), "email"), (day(30), "whatsapp"),
            (day(45), "sms"), (day(45), "email"), (day(45), "whatsapp"),
        }  # fmt: skip
        self.assertEqual(self._sent(), expected)
        self.assertEqual(len(case.collection_reminder_ids), len(expected))
        # Handed over to L3's next team the day it entered L3, once.
        self.assertEqual(case.collection_escalation_date, day(61))
        notes = case.message_ids.mapped("body")
        self.assertEqual(sum("Handed over to Next Team" in b for b in notes), 1)
        # What reached the real queues.
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 4)
        self.assertEqual(set(sms.mapped("number")), {"+918040001234"})
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", case.id),
                ("subject", "like", "Payment reminder"),
            ]
        )
        self.assertEqual(len(mails), 4)
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertIn("1,200.00", mails[0].subject)

    def test_follow_up_waits_three_days_in_l1(self):
        for n in range(1, 4):
            self._run(n)
        self.assertNotIn("activity", {channel for _d, channel in self._sent()})
        self.assertEqual(self._case().next_reminder_date, day(4))
        self._run(4)
        activity = self._case().activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("collections_dunning.mail_activity_type_follow_up")
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self._case().user_id)

    def test_rerun_same_day_sends_nothing_new(self):
        self._run(1)
        count = self.Reminder.search_count([])
        sms = self.env["sms.sms"].search_count([])
        self._run(1)
        self._run(1)
        self.assertEqual(self.Reminder.search_count([]), count)
        self.assertEqual(self.env["sms.sms"].search_count([]), sms)
        self.assertEqual(len(self._case()), 1)

    def test_missed_day_is_caught_up_once(self):
        """A day without a run (crash, downtime) does not skip its reminders."""
        for n in (1, 14):
            self._run(n)
        self._run(16)  # the run of day 15 never happened
        self.assertTrue({(day(15), "sms"), (day(15), "email")} <= self._sent())
        self._run(17)
        self.assertEqual(self.Reminder.search_count([("due_date", "=", day(15))]), 3)

    def test_crash_between_logging_and_sending_resumes(self):
        """Reminders logged but not sent (the run died) go out on the next run, once."""
        with patch.object(type(self.Reminder), "_send", lambda self: None):
            self._run(1)
        reminders = self.Reminder.search([("ticket_id", "in", self._case().ids)])
        self.assertEqual(len(reminders), 4)
        self.assertEqual(set(reminders.mapped("state")), {"queued"})
        self._run(1)
        self._run(1)
        self.assertEqual(
            {reminder.channel: reminder.state for reminder in reminders},
            {"sms": "sent", "email": "sent", "whatsapp": "manual", "ivr": "manual"},
        )
        self.assertEqual(self.Reminder.search_count([("ticket_id", "in", self._case().ids)]), 4)
        self.assertEqual(
            self.env["sms.sms"].search_count([("partner_id", "=", self.customer.id)]), 1
        )

    def test_payment_on_day_20_closes_case_and_stops_reminders(self):
        for n in range(1, 20):
            self._run(n)
        with freeze_time(day(20)):
            self._pay(self.invoice, date=day(20))
        self._run(20)
        case = self._case()
        self.assertTrue(case.stage_id.closed)
        self.assertEqual(case.stage_id, self.env.ref("collections_dunning.helpdesk_stage_paid"))
        self.assertEqual(case.amount_overdue, 0.0)
        self.assertFalse(case.overdue_invoice_ids, "a paid case lists no overdue invoice")
        count = self.Reminder.search_count([])
        for n in range(21, 76):
            self._run(n)
        self.assertEqual(self.Reminder.search_count([]), count, "no reminder after payment")
        self.assertEqual(len(self._case()), 1, "no new case while nothing is overdue")
        self.assertFalse(case.collection_escalation_date)
        # Falling behind again opens a new case.
        with freeze_time(day(76)):
            self._create_invoice(self.customer, day(78), 500.0)
        self._run(80)
        cases = self._case()
        self.assertEqual(len(cases), 2)
        new_case = cases - case
        self.assertEqual(new_case.collection_dpd, 2)
        self.assertEqual(new_case.collection_level_id, self.level["L1"])
        self.assertTrue(case.stage_id.closed)

    def test_partial_payment_skips_unpaid_only_steps(self):
        for n in range(1, 11):
            self._run(n)
        with freeze_time(day(11)):
            self._pay(self.invoice, amount=200.0, date=day(11))
        for n in range(11, 16):
            self._run(n)
        case = self._case()
        self.assertEqual(case.amount_overdue, 1000.0)
        day15 = self.Reminder.search([("ticket_id", "=", case.id), ("due_date", "=", day(15))])
        self.assertEqual(set(day15.mapped("state")), {"skipped"})
        self.assertIn("paid part", day15[0].reason)

    def test_drag_against_dpd_is_corrected(self):
        for n in range(1, 11):
            self._run(n)
        case = self._case()
        case.stage_id = self.env.ref("collections_dunning.helpdesk_stage_l1")
        self._run(11)
        self.assertEqual(case.stage_id, self.env.ref("collections_dunning.helpdesk_stage_l2"))
        self.assertTrue(any("Moved back from" in body for body in case.message_ids.mapped("body")))

    def test_one_case_per_device(self):
        with freeze_time(DUE):
            second = self._create_invoice(self.customer, DUE, 300.0)
            second.purifier_id = "PUR-000777"
            self.invoice.purifier_id = "PUR-000123"
        self._run(3)
        cases = self._case()
        self.assertEqual(sorted(cases.mapped("purifier_id")), ["PUR-000123", "PUR-000777"])
        self.assertEqual(sorted(cases.mapped("amount_overdue")), [300.0, 1200.0])

    def test_contact_of_customer_counts_for_the_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Billing contact", "parent_id": self.customer.id, "type": "invoice"}
        )
        with freeze_time(DUE):
            other = self._create_invoice(contact, DUE, 100.0)
        self._run(2)
        case = self._case()
        self.assertEqual(len(case), 1)
        self.assertEqual(case.overdue_invoice_ids, self.invoice | other)
        self.assertEqual(case.amount_overdue, 1300.0)

    def test_credit_note_reduces_overdue(self):
        self._run(2)
        with freeze_time(day(3)):
            refund = self.invoice._reverse_moves(
                [{"date": day(3), "invoice_date": day(3)}], cancel=False
            )
            refund.invoice_line_ids.price_unit = 200.0
            refund.action_post()
            (self.invoice | refund).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        self._run(3)
        self.assertEqual(self._case().amount_overdue, 1000.0)

    def test_partner_policy_overrides_company_default(self):
        lending = self.env["collection.policy"].create(
            {
                "name": "Lending",
                "level_ids": [
                    (0, 0, {"code": "D1", "name": "Call", "dpd_from": 1, "dpd_to": 2}),
                    (0, 0, {"code": "D2", "name": "Visit", "dpd_from": 3, "dpd_to": 0}),
                ],
            }
        )
        self.customer.collection_policy_id = lending
        self._run(4)
        case = self._case()
        self.assertEqual(case.collection_policy_id, lending)
        self.assertEqual(case.collection_level_id.code, "D2")

    def test_bad_phone_and_missing_email_skip_without_stopping(self):
        self.customer.write({"phone": "12", "email": False})
        self._run(1)
        reminders = self.Reminder.search([("ticket_id", "=", self._case().id)])
        by_channel = {r.channel: r for r in reminders}
        self.assertEqual(by_channel["sms"].state, "skipped")
        self.assertIn("Invalid phone number 12", by_channel["sms"].reason)
        self.assertEqual(by_channel["email"].state, "skipped")
        self.assertIn("no email address", by_channel["email"].reason)
        self.assertEqual(by_channel["whatsapp"].state, "skipped")

    def test_scheduled_action_runs_the_daily_run(self):
        cron = self.env.ref("collections_dunning.ir_cron_collection_run")
        self.assertEqual(cron.code.strip(), "model._cron_run()")
        self.assertTrue(cron.active)
        with freeze_time(f"{day(2)} 10:00:00"):
            cron.ir_actions_server_id.run()
        case = self._case()
        self.assertEqual(case.collection_dpd, 2)
        self.assertEqual(len(case.collection_reminder_ids), 4)

    def test_bucket_columns_stay_visible_when_empty(self):
        action = self.env.ref("collections_dunning.helpdesk_ticket_action_cases")
        context = safe_eval(action.context, {"ref": lambda xmlid: self.env.ref(xmlid).id})
        groups = (
            self.env["helpdesk.ticket"]
            .with_context(**context, read_group_expand=True)  # as the Kanban view asks
            .web_read_group(
                safe_eval(action.domain) + [("stage_id.closed", "=", False)],
                ["stage_id"],
                ["__count"],
            )["groups"]
        )
        names = [group["stage_id"][1] for group in groups if group["stage_id"]]
        for xmlid in ("helpdesk_stage_l1", "helpdesk_stage_l2", "helpdesk_stage_l3"):
            self.assertIn(self.env.ref(f"collections_dunning.{xmlid}").name, names)
        self.assertNotIn(self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new").name, names)

    def test_case_numbers_come_from_helpdesk_sequence(self):
        self.env.invalidate_all()  # the sequence's own fields are read after reserving
        numbers = bulk_sql.reserve_numbers(self.env, "helpdesk.ticket.sequence", 3)
        self.assertEqual(len(set(numbers)), 3)
        self.assertTrue(all(number.startswith("HT") for number in numbers))
        ticket = self._create_ticket()
        self.assertGreater(ticket.number, max(numbers))

    def test_level_without_hand_over_team_hands_nothing_over(self):
        self.level["L3"].hand_over_team_id = False
        self._run(61)
        case = self._case()
        self.assertEqual(case.collection_level_id, self.level["L3"])
        self.assertFalse(case.collection_escalation_date)

    def test_pending_orm_values_do_not_overwrite_the_run(self):
        """The run's bulk SQL flushes before it writes: a value still pending in
        the ORM is written first, and the run's value is the one that stays."""
        self._run(2)
        case = self._case()
        owner = case.sudo()._collection_as_owner()
        self.env.flush_all()
        # pending ORM writes of fields the run then writes in bulk
        owner.write(
            {
                "collection_dpd": 99,
                "amount_overdue": 1.0,
                "next_reminder_date": day(99),
                "overdue_invoice_ids": [Command.clear()],
            }
        )
        self._run(3)
        self.env.invalidate_all()
        self.assertEqual(case.collection_dpd, 3)
        self.assertEqual(case.amount_overdue, 1200.0)
        self.assertEqual(case.overdue_invoice_ids, self.invoice)
        self.assertEqual(case.next_reminder_date, day(5), "the L1 follow-up, 3 days in")

    def test_bulk_update_flushes_before_and_invalidates_after(self):
        """A pending ORM value is written before the statement, never over it; the
        cache reads the statement's value."""
        case = self._create_ticket()
        owner = case.sudo()._collection_as_owner()
        owner.write({"next_reminder_date": day(1), "collection_dpd": 5})
        Ticket = self.env["helpdesk.ticket"].sudo()
        bulk_sql.update_rows(Ticket, {case.id: {"next_reminder_date": day(9)}}, none_keeps=False)
        self.assertEqual(case.next_reminder_date, day(9))
        bulk_sql.update_rows(Ticket, {case.id: {"collection_dpd": None}})
        self.assertEqual(case.collection_dpd, 5, "None keeps the stored value")
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(case.next_reminder_date, day(9))
        self.assertEqual(case.collection_dpd, 5)
        owner.write({"overdue_invoice_ids": [Command.clear()]})
        bulk_sql.replace_many2many(Ticket, "overdue_invoice_ids", {case.id: self.invoice.ids})
        self.assertEqual(case.overdue_invoice_ids, self.invoice)
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(case.overdue_invoice_ids, self.invoice)

    def test_many2many_ids_reads_what_is_stored_after_pending_writes(self):
        """``bulk_sql.many2many_ids`` answers with the relation table's rows, a
        value still pending in the ORM written first; records with none are left
        out."""
        case, other = self._create_ticket(), self._create_ticket()
        second = self._create_invoice(self.customer, DUE, 300.0)
        owner = case.sudo()._collection_as_owner()
        owner.write({"overdue_invoice_ids": [Command.set((self.invoice | second).ids)]})
        Ticket = self.env["helpdesk.ticket"].sudo()
        stored = bulk_sql.many2many_ids(Ticket, "overdue_invoice_ids", [case.id, other.id])
        self.assertEqual(set(stored), {case.id}, "a case without invoices is left out")
        self.assertEqual(set(stored[case.id]), {self.invoice.id, second.id})
        self.assertEqual(bulk_sql.many2many_ids(Ticket, "overdue_invoice_ids", []), {})
