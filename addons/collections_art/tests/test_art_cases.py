from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.collections_dunning.tests.common import CollectionsCommon
from odoo.addons.collections_dunning.tests.stub_gateway import StubGateway

DUE = date(2026, 1, 1)


def at(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestArtCases(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_art = cls.env.ref("collections_art.helpdesk_team_art")
        cls.officer = new_test_user(
            cls.env, login="art-officer-1", groups="collections_art.group_art_officer"
        )
        cls.officer_2 = new_test_user(
            cls.env, login="art-officer-2", groups="collections_art.group_art_officer"
        )
        cls.art_manager = new_test_user(
            cls.env, login="art-manager", groups="collections_art.group_art_manager"
        )
        cls.team_art.write(
            {"user_ids": [Command.set([cls.officer.id])], "user_id": cls.art_manager.id}
        )
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 2400.0)
            cls.invoice.purifier_id = "PUR-000123"

    def _run(self, n, hour=10):
        with freeze_time(at(n, hour)):
            self.env["collection.policy"]._cron_run()

    def _art_case(self):
        return self.env["helpdesk.ticket"].search(
            [("is_art_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _validated_case(self):
        self._run(61)
        case = self._art_case()
        with freeze_time(at(61, 12)):
            case.with_user(self.officer).action_art_validate()
        return case

    def test_handover_at_day_61(self):
        self._run(60)
        self.assertFalse(self._art_case())
        self._run(61)
        case = self._art_case()
        self.assertEqual(len(case), 1)
        source = case.art_source_ticket_id
        self.assertTrue(source.collection_case)
        self.assertEqual(source.collection_level_id.code, "L3")
        self.assertEqual(case.team_id, self.team_art)
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_received"))
        self.assertEqual(case.user_id, self.officer)
        self.assertEqual(case.purifier_id, "PUR-000123")
        self.assertEqual(case.amount_overdue, 2400.0)
        self.assertEqual(case.overdue_invoice_ids, self.invoice)
        self.assertEqual(case.art_validation_deadline, at(61) + timedelta(hours=24))
        self.assertTrue(
            any(
                "Handed over to the Asset Recovery Team" in b
                for b in source.message_ids.mapped("body")
            )
        )
        self._run(62)
        self._run(63)
        self.assertEqual(len(self._art_case()), 1)

    def test_validation_and_notification_within_24_hours(self):
        case = self._validated_case()
        self.assertEqual(case.art_validated_by_id, self.officer)
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_validated"))
        # nothing has left Odoo yet: the SLA is not met by a queued email
        self.assertFalse(case.art_notified_date)
        with freeze_time(at(61, 12)):
            case.invalidate_recordset(["art_validation_sla_state"])
            self.assertEqual(case.art_validation_sla_state, "pending")
        mail = case.art_notification_mail_id
        self.assertIn("Recovery of your purifier PUR-000123", mail.subject)
        # no WhatsApp gateway as shipped: the officer has it to send by hand
        todo = case.art_notification_activity_id
        self.assertEqual(todo.user_id, self.officer)
        self.assertIn("+918040001234", todo.summary)
        with freeze_time(at(61, 13)):
            self._flush_outboxes()
        self.assertEqual(case.art_notified_date, at(61, 13))
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_notice_sent"))
        self.assertEqual(case.art_validation_sla_state, "on_time")
        self.assertEqual(case.art_visit_deadline, at(61, 12) + timedelta(hours=48))
        with freeze_time(at(61, 14)):
            todo.with_user(self.officer).action_feedback("Sent from the field phone")
        self.assertEqual(case.art_notified_date, at(61, 13), "the first channel out counts")

    def test_notification_sent_by_hand_notifies(self):
        case = self._validated_case()
        with freeze_time(at(61, 15)):
            case.art_notification_activity_id.with_user(self.officer).action_feedback("Sent")
        self.assertEqual(case.art_notified_date, at(61, 15))

    def test_failed_whatsapp_does_not_notify(self):
        with StubGateway([400]) as gateway:
            self.env.ref("collections_dunning.channel_provider_whatsapp").write(
                {"provider_type": "http_json", "url": gateway.url}
            )
            case = self._validated_case()
        self.assertFalse(case.art_notified_date)
        self.assertTrue(
            any(
                "WhatsApp recovery notification not sent" in b
                for b in case.message_ids.mapped("body")
            )
        )
        mail = case.art_notification_mail_id
        mail.write({"state": "exception", "failure_reason": "Mailbox unavailable"})
        mail._postprocess_sent_message(success_pids=[], success_emails=[], failure_type="unknown")
        self.assertFalse(case.art_notified_date, "a failed email notifies nobody either")

    def test_notification_and_notice_refused_at_night(self):
        self._run(61)
        case = self._art_case()
        with freeze_time(at(61, 22)):  # the company's time zone: UTC here
            with self.assertRaisesRegex(UserError, "outside contact hours"):
                case.with_user(self.officer).action_art_validate()
        self.assertFalse(case.art_validated_date)
        case = self._validated_case()
        with freeze_time(at(61, 22)):
            with self.assertRaisesRegex(UserError, "The legal notice cannot be sent"):
                case.with_user(self.officer).action_art_send_legal_notice()
        self.assertFalse(case.art_notice_ids.filtered(lambda n: n.state == "sent"))

    def test_opted_out_whatsapp_is_not_sent(self):
        self.customer.collection_no_whatsapp = True
        with StubGateway() as gateway:
            self.env.ref("collections_dunning.channel_provider_whatsapp").write(
                {"provider_type": "http_json", "url": gateway.url}
            )
            case = self._validated_case()
        self.assertEqual(gateway.requests, [])
        self.assertTrue(any("opted out of whatsapp" in b for b in case.message_ids.mapped("body")))

    def test_late_validation_alerts_manager_once(self):
        self._run(61)
        case = self._art_case()
        with freeze_time(at(62, 9)):
            self.assertEqual(case.art_validation_sla_state, "pending")
        with freeze_time(at(62, 11)):
            case.invalidate_recordset(["art_validation_sla_state"])
            self.assertEqual(case.art_validation_sla_state, "late")
            late = self.env["helpdesk.ticket"].search([("art_validation_sla_state", "=", "late")])
            self.assertIn(case, late)
            self.env["helpdesk.ticket"]._cron_art_sla()
            self.env["helpdesk.ticket"]._cron_art_sla()
        alerts = case.activity_ids.filtered(lambda a: "Late validation" in (a.summary or ""))
        self.assertEqual(len(alerts), 1)
        self.assertEqual(alerts.user_id, self.art_manager)
        with freeze_time(at(62, 12)):
            case.with_user(self.officer).action_art_validate()
        self.assertEqual(case.art_validation_sla_state, "late")

    def test_validation_needs_the_asset_on_record(self):
        self._run(61)
        case = self._art_case()
        case.purifier_id = False
        with self.assertRaisesRegex(UserError, "asset is not on record"):
            case.with_user(self.officer).action_art_validate()

    def test_visit_within_48_hours(self):
        case = self._validated_case()
        with freeze_time(at(62, 9)):
            visit = (
                self.env["collection.art.visit"]
                .with_user(self.officer)
                .create({"ticket_id": case.id})
            )
            self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_visit_scheduled"))
            visit.action_check_in(latitude=12.97, longitude=77.59, geo_status="captured")
        self.assertEqual(case.art_visit_sla_state, "on_time")
        self.assertAlmostEqual(visit.latitude, 12.97)

    def test_visit_after_48_hours_is_late(self):
        case = self._validated_case()
        with freeze_time(at(64, 9)):
            case.invalidate_recordset(["art_visit_sla_state"])
            self.assertEqual(case.art_visit_sla_state, "late")
            visit = (
                self.env["collection.art.visit"]
                .with_user(self.officer)
                .create({"ticket_id": case.id})
            )
            visit.action_check_in(geo_status="denied")
        self.assertEqual(visit.geo_status, "denied")
        self.assertFalse(visit.latitude)
        self.assertEqual(case.art_visit_sla_state, "late")

    def _visit(self, case, outcome, **values):
        visit = (
            self.env["collection.art.visit"]
            .with_user(self.officer)
            .create({"ticket_id": case.id, "outcome": outcome, **values})
        )
        visit.action_done()
        return visit

    def test_not_available_schedules_follow_up(self):
        case = self._validated_case()
        with freeze_time(at(62, 9)):
            visit = self._visit(case, "not_available", neighbours_info="Away until Sunday")
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.follow_up_visit_id.state, "planned")
        self.assertEqual(visit.follow_up_visit_id.scheduled_date, at(63, 9))
        self.assertTrue(any("Away until Sunday" in b for b in case.message_ids.mapped("body")))

    def test_vacated_premises_open_investigation(self):
        case = self._validated_case()
        self._visit(case, "vacated", neighbours_info="Moved out last month")
        investigation = case.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("collections_art.mail_activity_type_investigation")
            )
        )
        self.assertEqual(len(investigation), 1)

    def test_recovered_asset_must_match_the_case(self):
        case = self._validated_case()
        with self.assertRaisesRegex(ValidationError, "is not the customer's purifier PUR-000123"):
            self._visit(case, "recovered", recovered_purifier_id="PUR-999999")
        self._visit(case, "recovered", recovered_purifier_id="PUR-000123")
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_recovered"))
        self.assertTrue(case.art_asset_returned_date)

    def _send_notice(self, case, n=62):
        with freeze_time(at(n)):
            case.with_user(self.officer).action_art_send_legal_notice()
        return case.art_notice_ids

    def test_legal_notice_unanswered_makes_npa(self):
        case = self._validated_case()
        notice = self._send_notice(case)
        self.assertEqual(notice.state, "sent")
        self.assertEqual(notice.response_deadline, DUE + timedelta(days=62 + 15))
        self.assertEqual(notice.attachment_id.mimetype, "application/pdf")
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_legal"))
        mail = self.env["mail.mail"].search(
            [("model", "=", "collection.legal.notice"), ("res_id", "=", notice.id)]
        )
        self.assertEqual(mail.attachment_ids, notice.attachment_id)
        self._run(62 + 15)
        self.assertEqual(notice.state, "sent", "the last day still counts")
        self.assertFalse(self.customer.is_npa)
        self._run(62 + 16)
        self.assertEqual(notice.state, "npa")
        self.assertTrue(self.customer.is_npa)
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_npa"))

    def test_legal_notice_counts_down_its_window(self):
        case = self._validated_case()
        notice = self._send_notice(case).with_user(self.officer)
        for day, left in ((62, 15), (70, 7), (62 + 15, 0)):
            with freeze_time(at(day)):
                notice.invalidate_recordset(["response_days_left"])
                self.assertEqual(notice.response_days_left, left)
        self._run(62 + 16)
        self.assertEqual(notice.state, "npa")
        self.assertEqual(notice.response_days_left, 0, "no countdown once the window is over")

    def test_payment_before_deadline_stops_npa(self):
        case = self._validated_case()
        notice = self._send_notice(case)
        with freeze_time(at(66)):
            self._pay(self.invoice, amount=100.0, date=DUE + timedelta(days=66))
        self._run(66)
        self.assertEqual(notice.state, "answered")
        self._run(62 + 20)
        self.assertFalse(self.customer.is_npa)

    def test_contact_before_deadline_stops_npa(self):
        case = self._validated_case()
        notice = self._send_notice(case)
        collection_case = case.art_source_ticket_id
        with freeze_time(at(64)):
            self.env["collection.interaction"].create(
                {
                    "ticket_id": collection_case.id,
                    "status_id": self.env.ref("collections_dunning.disposition_contacted").id,
                    "reason_id": self.env.ref(
                        "collections_dunning.disposition_contacted_dispute"
                    ).id,
                    "resolution_id": self.env.ref(
                        "collections_dunning.disposition_contacted_dispute_escalated"
                    ).id,
                }
            )
        self._run(62 + 20)
        self.assertEqual(notice.state, "answered")
        self.assertFalse(self.customer.is_npa)

    def test_full_payment_closes_art_case(self):
        self._run(61)
        case = self._art_case()
        with freeze_time(at(65)):
            self._pay(self.invoice, date=DUE + timedelta(days=65))
        self._run(65)
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_paid"))

    def test_slack_post_is_retried_until_delivered(self):
        self.company.write({"art_urgent_amount": 1000.0, "art_slack_usergroup_id": "S0ARTTEAM"})
        Message = self.env["collection.slack.message"]
        with StubGateway([500, 200]) as slack:
            self.company.art_slack_webhook_url = slack.url
            self._run(61)
            message = Message.search([("ticket_id", "=", self._art_case().id)])
            # queued with the run's transaction, posted by the queue once committed
            self.assertEqual((message.state, slack.requests), ("pending", []))
            with freeze_time(at(61, 10)):
                Message._cron_deliver()
            self.assertEqual(message.state, "pending")
            self.assertEqual(message.attempts, 1)
            self.assertIn("500", message.last_error)
            with freeze_time(at(61, 10) + timedelta(minutes=1)):
                Message._cron_deliver()  # too early: waits for its backoff
            self.assertEqual(len(slack.requests), 1)
            with freeze_time(at(61, 10) + timedelta(minutes=3)):
                Message._cron_deliver()
            self.assertEqual(message.state, "sent")
            with freeze_time(at(61, 11)):
                Message._cron_deliver()
        self.assertEqual(len(slack.requests), 2, "posted once it went through, never again")
        text = slack.requests[-1]["body"]["text"]
        self.assertTrue(text.startswith("<!subteam^S0ARTTEAM>"))
        self.assertIn(self._art_case().number, text)
        self.assertIn("61 days past due", text)
        self.assertEqual(self._art_case().art_slack_message_ids, message)

    def test_slack_down_keeps_message(self):
        with StubGateway() as slack:
            url = slack.url
        self.company.art_slack_webhook_url = url
        self._run(61)
        case = self._art_case()
        with freeze_time(at(61, 10)):
            case.with_user(self.officer).action_art_post_slack()
        message = self.env["collection.slack.message"].search([("ticket_id", "=", case.id)])
        with freeze_time(at(61, 11)):
            message._cron_deliver()
        self.assertEqual(message.state, "pending")
        self.assertIn("unreachable", message.last_error)
        self.assertNotIn(url.split("/")[2], message.last_error)

    def test_slack_rejected_post_fails_and_rolled_back_post_is_never_sent(self):
        Message = self.env["collection.slack.message"]
        self._run(61)
        case = self._art_case()
        with StubGateway([404]) as slack:
            self.company.art_slack_webhook_url = slack.url
            # decided in a transaction that rolls back: nothing is posted
            with freeze_time(at(61, 10)):
                with (
                    self.assertRaisesRegex(UserError, "changed their mind"),
                    self.env.cr.savepoint(),
                ):
                    case.with_user(self.officer).action_art_post_slack()
                    self.assertEqual(len(Message.search([("ticket_id", "=", case.id)])), 1)
                    raise UserError(self.env._("The officer changed their mind"))
                self.assertFalse(Message.search([("ticket_id", "=", case.id)]))
                case.with_user(self.officer).action_art_post_slack()
            with freeze_time(at(61, 11)):
                Message._cron_deliver()
        message = Message.search([("ticket_id", "=", case.id)])
        self.assertEqual(message.state, "failed")
        self.assertIn("404", message.last_error)
        self.assertEqual(len(slack.requests), 1)

    def test_nobody_marks_a_slack_post_sent_by_hand(self):
        self._run(61)
        with freeze_time(at(61, 10)):
            self._art_case().with_user(self.officer).action_art_post_slack()
        message = self.env["collection.slack.message"].search(
            [("ticket_id", "=", self._art_case().id)]
        )
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            message.with_user(self.art_manager).write({"state": "sent"})
        self.assertEqual(message.state, "pending")

    def test_slack_post_left_claimed_is_not_posted_twice(self):
        Message = self.env["collection.slack.message"]
        self._run(61)
        with freeze_time(at(61, 10)):
            self._art_case().with_user(self.officer).action_art_post_slack()
        message = Message.search([("ticket_id", "=", self._art_case().id)])
        # as if a worker stopped between its post and saving Slack's answer
        message.sudo().write({"state": "sending", "claimed_date": at(61, 10)})
        with StubGateway() as slack:
            self.company.art_slack_webhook_url = slack.url
            with freeze_time(at(61, 11)):
                Message._cron_deliver()
        self.assertEqual(slack.requests, [])
        self.assertEqual(message.state, "unknown")

    def test_access_to_visits(self):
        case = self._validated_case()
        mine = (
            self.env["collection.art.visit"].with_user(self.officer).create({"ticket_id": case.id})
        )
        other = self.env["collection.art.visit"].create(
            {"ticket_id": case.id, "officer_id": self.officer_2.id}
        )
        Visit = self.env["collection.art.visit"]
        self.assertEqual(Visit.with_user(self.officer).search([]), mine)
        self.assertEqual(Visit.with_user(self.art_manager).search([]), mine | other)
        with self.assertRaises(AccessError):
            Visit.with_user(self.agent_1).search([])
        with self.assertRaises(AccessError):
            Visit.with_user(self.portal_user).search([])
        # the agent sees the hand-over on the collection case, not the ART case
        source = case.art_source_ticket_id.with_user(self.agent_1)
        self.assertTrue(any("Handed over" in b for b in source.message_ids.mapped("body")))
        with self.assertRaises(AccessError):
            case.with_user(self.agent_1).read(["name"])
        self.assertEqual(
            self.env["helpdesk.ticket"].with_user(self.officer).search([("id", "=", case.id)]), case
        )

    def test_sla_report_counts_deadlines(self):
        case = self._validated_case()  # validated 2 h after receipt
        with freeze_time(at(61, 12)):
            self._flush_outboxes()  # the recovery email goes out: notified
        with freeze_time(at(62, 9)):
            visit = (
                self.env["collection.art.visit"]
                .with_user(self.officer)
                .create({"ticket_id": case.id})
            )
            visit.action_check_in(geo_status="denied")
        row = (
            self.env["collection.art.sla.report"]
            .with_user(self.art_manager)
            .search(
                [
                    ("month", "=", (DUE + timedelta(days=61)).replace(day=1)),
                    ("team_id", "=", self.team_art.id),
                ]
            )
        )
        self.assertEqual(
            (row.case_count, row.validation_on_time, row.validation_late, row.visit_on_time),
            (1, 1, 0, 1),
        )
        self.assertEqual(row.validation_compliance, 100.0)
        with self.assertRaises(AccessError):
            self.env["collection.art.sla.report"].with_user(self.officer).search([])
