from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import BaseCase, tagged

from odoo.addons.collections_dunning.channel_client import (
    ChannelDeliveryError,
    JsonChannelClient,
)

from .common import CollectionsCommon
from .stub_gateway import StubGateway

RUN_DAY = "2026-02-02 10:00:00"


@tagged("post_install", "-at_install")
class TestJsonChannelClient(BaseCase):
    """One call is one attempt: retries are reminder states, not sleeps."""

    def test_posts_json_with_bearer_token_and_idempotency_key(self):
        with StubGateway() as gateway:
            client = JsonChannelClient(gateway.url, token="s3cret", timeout=2)
            answer = client.send({"to": "+918040001234", "message": "Hi"}, "collection-7-3")
        self.assertEqual(answer, {"id": "msg-1"})
        request = gateway.requests[0]
        self.assertEqual(request["auth"], "Bearer s3cret")
        self.assertEqual(request["key"], "collection-7-3")
        self.assertEqual(request["body"]["to"], "+918040001234")

    def test_server_error_is_retryable_and_tried_once(self):
        with StubGateway([503]) as gateway:
            with self.assertRaisesRegex(ChannelDeliveryError, "503") as caught:
                JsonChannelClient(gateway.url, timeout=2).send({"x": 1})
        self.assertTrue(caught.exception.retryable)
        self.assertEqual(len(gateway.requests), 1)

    def test_client_error_is_final(self):
        with StubGateway([400]) as gateway:
            with self.assertRaisesRegex(ChannelDeliveryError, "400") as caught:
                JsonChannelClient(gateway.url, timeout=2).send({"x": 1})
        self.assertFalse(caught.exception.retryable)

    def test_slow_gateway_times_out_as_retryable(self):
        with StubGateway(["slow"]) as gateway:
            with self.assertRaisesRegex(ChannelDeliveryError, "in time") as caught:
                JsonChannelClient(gateway.url, timeout=1).send({"x": 1})
        self.assertTrue(caught.exception.retryable)

    def test_one_connection_for_the_calls_of_one_client(self):
        """Issue 13: the calls of one delivery loop go through one kept
        connection (with a real gateway, one TLS handshake per loop, not per
        message); ``with`` closes it, and the next client opens its own."""
        with StubGateway() as gateway:
            gateway.keep_alive = True
            with JsonChannelClient(gateway.url, timeout=2) as client:
                for number in range(3):
                    client.send({"n": number}, f"collection-1-{number}")
            self.assertEqual(gateway.connections, 1)
            with JsonChannelClient(gateway.url, timeout=2) as client:
                client.send({"n": 3}, "collection-1-3")
        self.assertEqual(len(gateway.messages), 4)
        self.assertEqual(gateway.connections, 2)

    def test_unreachable_gateway_error_names_no_url(self):
        with StubGateway() as gateway:
            url = gateway.url
        with self.assertRaises(ChannelDeliveryError) as caught:
            JsonChannelClient(url, token="s3cret", timeout=2).send({"x": 1})
        self.assertTrue(caught.exception.retryable)
        self.assertNotIn("127.0.0.1", str(caught.exception))


@tagged("post_install", "-at_install")
class TestChannelProviders(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time("2026-02-01"):
            cls._create_invoice(cls.customer, date(2026, 2, 1), 900.0)
        cls.whatsapp = cls.env.ref("collections_dunning.channel_provider_whatsapp")

    def _run(self, when=RUN_DAY):
        with freeze_time(when):
            self.env["collection.policy"]._cron_run()
        return self._reminders()

    def _reminders(self, partner=None):
        case = self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", (partner or self.customer).id)]
        )
        return {r.channel: r for r in case.collection_reminder_ids}

    def _send_queued(self, when):
        with freeze_time(when):
            self.env["collection.reminder"]._cron_send_queued()

    def _use_gateway(self, gateway, **values):
        self.whatsapp.write(
            {"provider_type": "http_json", "url": gateway.url, "token": "tok", **values}
        )

    # As shipped: no gateway ----------------------------------------------------

    def test_without_gateway_the_agent_sends_by_hand(self):
        reminders = self._run()
        whatsapp, ivr = reminders["whatsapp"], reminders["ivr"]
        self.assertEqual((whatsapp.state, ivr.state), ("manual", "manual"))
        self.assertFalse(any(r.state == "sent" for r in (whatsapp, ivr)))
        todo = whatsapp.activity_id
        self.assertEqual(todo.user_id, whatsapp.ticket_id.user_id)
        self.assertIn("900.00", str(todo.note))
        self.assertIn("+918040001234", todo.summary)
        with freeze_time("2026-02-02 11:00:00"):
            todo.with_user(todo.user_id).action_feedback("Sent from the office phone")
            ivr.activity_id.with_user(todo.user_id).unlink()
        self.assertEqual(whatsapp.state, "sent")
        self.assertEqual(whatsapp.sent_date, datetime(2026, 2, 2, 11, 0))
        self.assertEqual(ivr.state, "skipped")
        self.assertIn("cancelled", ivr.reason)

    def test_email_and_sms_are_sent_when_the_queues_send_them(self):
        reminders = self._run()
        self.assertEqual((reminders["email"].state, reminders["sms"].state), ("sending", "sending"))
        self._flush_outboxes()
        self.assertEqual((reminders["email"].state, reminders["sms"].state), ("sent", "sent"))
        # the SMS provider reports delivery later
        reminders["sms"].sms_id.write({"state": "sent"})
        self.assertEqual(reminders["sms"].state, "delivered")

    def test_failed_email_reads_failed_with_the_reason(self):
        reminders = self._run()
        mail = reminders["email"].mail_id
        mail.write({"state": "exception", "failure_reason": "Mailbox unavailable"})
        mail._postprocess_sent_message(success_pids=[], success_emails=[], failure_type="unknown")
        self.assertEqual(reminders["email"].state, "failed")
        self.assertIn("Mailbox unavailable", reminders["email"].reason)

    # A gateway ---------------------------------------------------------------

    def test_gateway_gets_a_key_stable_for_case_and_step(self):
        with StubGateway() as gateway:
            self._use_gateway(gateway)
            reminders = self._run()
        whatsapp = reminders["whatsapp"]
        request = gateway.requests[0]
        self.assertEqual(len(gateway.requests), 1)
        key = f"collection-{whatsapp.ticket_id.id}-{whatsapp.step_id.id}"
        self.assertEqual((request["key"], request["body"]["reference"]), (key, key))
        self.assertEqual(request["body"]["to"], "+918040001234")
        self.assertEqual(request["body"]["case"], whatsapp.ticket_id.number)
        self.assertEqual(whatsapp.state, "sent")
        self.assertEqual(whatsapp.external_ref, "msg-1")
        self.assertEqual(whatsapp.provider_id, self.whatsapp)
        # a rerun the same day contacts nobody again
        with StubGateway() as gateway:
            self._use_gateway(gateway)
            self._run()
            self._send_queued("2026-02-02 12:00:00")
        self.assertEqual(gateway.requests, [])

    def test_server_error_retries_with_backoff_then_sends(self):
        with StubGateway([503, 503, 200]) as gateway:
            self._use_gateway(gateway, max_attempts=4, backoff=60)
            whatsapp = self._run()["whatsapp"]
            self.assertEqual(whatsapp.state, "retry")
            self.assertEqual(whatsapp.next_attempt_date, datetime(2026, 2, 2, 10, 1))
            self._send_queued("2026-02-02 10:00:30")  # not due yet
            self.assertEqual(len(gateway.requests), 1)
            self._send_queued("2026-02-02 10:01:00")
            self.assertEqual(whatsapp.state, "retry")
            self.assertEqual(whatsapp.next_attempt_date, datetime(2026, 2, 2, 10, 3))
            self._send_queued("2026-02-02 10:03:00")
        self.assertEqual(whatsapp.state, "sent")
        self.assertEqual(whatsapp.attempt_count, 3)
        self.assertEqual({r["key"] for r in gateway.requests}, {whatsapp._idempotency_key()})
        self.assertEqual(len(gateway.messages), 1)

    def test_retries_stop_at_the_maximum(self):
        with StubGateway([500, 500, 500, 200]) as gateway:
            self._use_gateway(gateway, max_attempts=3, backoff=60)
            whatsapp = self._run()["whatsapp"]
            self._send_queued("2026-02-02 11:00:00")
            self._send_queued("2026-02-02 12:00:00")
            self._send_queued("2026-02-02 13:00:00")
        self.assertEqual(whatsapp.state, "failed")
        self.assertIn("500", whatsapp.reason)
        self.assertEqual(len(gateway.requests), 3)

    def test_refused_message_fails_at_once(self):
        with StubGateway([400]) as gateway:
            self._use_gateway(gateway, max_attempts=3)
            reminders = self._run()
            self._send_queued("2026-02-02 12:00:00")
        self.assertEqual(reminders["whatsapp"].state, "failed")
        self.assertIn("400", reminders["whatsapp"].reason)
        self.assertEqual(len(gateway.requests), 1)
        # the run went on: the other channels were handed over
        self.assertEqual(reminders["sms"].state, "sending")

    def test_slow_then_down_then_back_delivers_each_once(self):
        partners = self.customer | self.env["res.partner"].create(
            [
                {
                    "name": f"Household {n}",
                    "phone": f"+91 80 4000 300{n}",
                    "country_id": self.env.ref("base.in").id,
                }
                for n in range(3)
            ]
        )
        with freeze_time("2026-02-01"):
            for partner in partners[1:]:
                self._create_invoice(partner, date(2026, 2, 1), 500.0)
        with StubGateway() as dead:
            dead_url = dead.url
        # 1. slow past the time-out, then a server error: two failures open the
        # circuit, and the two other reminders wait without a call
        with StubGateway(["slow", 503]) as slow:
            self._use_gateway(slow, timeout=1, circuit_threshold=2, circuit_cooldown=15)
            self._run()
        whatsapps = [self._reminders(partner)["whatsapp"] for partner in partners]
        self.assertEqual(len(slow.requests), 2)
        # the two that failed wait for their retry, the two not reached stay queued
        self.assertEqual(sorted(r.state for r in whatsapps), ["queued", "queued", "retry", "retry"])
        self.assertEqual(self.whatsapp.circuit_open_until, datetime(2026, 2, 2, 10, 15))
        self.assertEqual(
            sorted(r.attempt_count for r in whatsapps), [0, 0, 1, 1], "waiting is no attempt"
        )
        # 2. the circuit stays open: nothing is called
        with StubGateway() as idle:
            self.whatsapp.url = idle.url
            self._send_queued("2026-02-02 10:10:00")
        self.assertEqual(idle.requests, [])
        # 3. after the pause, the gateway is down: one call fails, the circuit
        # opens again at once, the others wait
        self.whatsapp.url = dead_url
        self._send_queued("2026-02-02 10:20:00")
        self.assertEqual({r.state for r in whatsapps} - {"queued"}, {"retry"})
        self.assertEqual(self.whatsapp.circuit_open_until, datetime(2026, 2, 2, 10, 35))
        # 4. back (the same gateway that took the slow message): each customer is
        # sent one message, none is lost
        with StubGateway() as back:
            back.answers, back.messages = dict(slow.answers), list(slow.messages)
            self.whatsapp.url = back.url
            self._send_queued("2026-02-02 10:40:00")
        self.assertEqual({r.state for r in whatsapps}, {"sent"})
        self.assertFalse(self.whatsapp.circuit_open_until)
        self.assertEqual(len(back.messages), len(partners), "each customer got one message")
        self.assertEqual(
            {r["key"] for r in back.requests}, {r._idempotency_key() for r in whatsapps}
        )

    # Exactly once ------------------------------------------------------------

    def test_reminder_left_sending_by_a_crash_is_settled_under_its_key(self):
        with StubGateway([400]) as gateway:
            self._use_gateway(gateway)
            whatsapp = self._run()["whatsapp"]
        # as if the sender stopped between its call and saving the answer
        whatsapp.write(
            {"state": "sending", "claimed_date": datetime(2026, 2, 2, 10, 0), "reason": False}
        )
        with StubGateway() as down:
            url = down.url
        self.whatsapp.url = url
        self._send_queued("2026-02-02 10:05:00")  # not stale yet: left alone
        self.assertEqual(whatsapp.state, "sending")
        self._send_queued("2026-02-02 11:00:00")  # stale, and the gateway cannot answer
        self.assertEqual(whatsapp.state, "unknown")
        self.assertIn("check with the gateway", whatsapp.reason)

    def test_stale_reminder_is_asked_again_with_the_same_key(self):
        with StubGateway([400]) as gateway:
            self._use_gateway(gateway)
            whatsapp = self._run()["whatsapp"]
        whatsapp.write({"state": "sending", "claimed_date": datetime(2026, 2, 2, 10, 0)})
        with StubGateway() as gateway:
            # the gateway had taken it before the sender stopped
            gateway.answers[whatsapp._idempotency_key()] = {"id": "msg-first"}
            self._use_gateway(gateway)
            self._send_queued("2026-02-02 11:00:00")
        self.assertEqual(whatsapp.state, "sent")
        self.assertEqual(whatsapp.external_ref, "msg-first")
        self.assertEqual(gateway.messages, [], "asked again under its key: no second message")

    def test_claim_takes_a_reminder_once(self):
        with StubGateway([400]) as gateway:
            self._use_gateway(gateway)
            whatsapp = self._run()["whatsapp"]
        whatsapp.write({"state": "queued"})
        first = whatsapp._claim(self.whatsapp)
        second = whatsapp._claim(self.whatsapp)
        self.assertEqual((first, second), (whatsapp, whatsapp.browse()))
        self.assertEqual(whatsapp.state, "sending")

    def test_paid_case_is_not_contacted_by_queued_reminders(self):
        with freeze_time("2026-02-02 03:00:00"):  # before contact hours: all wait
            self.env["collection.policy"]._cron_run()
        reminders = self._reminders()
        self.assertEqual({r.state for r in reminders.values()}, {"queued"})
        case = reminders["sms"].ticket_id
        with freeze_time("2026-02-02 09:00:00"):
            self._pay(case.overdue_invoice_ids, date=date(2026, 2, 2))
            self.env["collection.policy"]._cron_run()
            self.env["collection.reminder"]._cron_send_queued()
        self.assertEqual({r.state for r in reminders.values()}, {"skipped"})
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.customer.id)]))

    def test_a_waiting_reminder_is_no_contact_attempt(self):
        whatsapp = self._run()["whatsapp"]
        since = datetime(2026, 2, 1)
        attempts = self.env["collection.interaction"]._attempts_since(self.customer, since)
        self.assertNotIn((self.customer.id, "whatsapp"), attempts)
        with freeze_time("2026-02-02 11:00:00"):
            whatsapp.activity_id.action_feedback("done")
            attempts = self.env["collection.interaction"]._attempts_since(self.customer, since)
        self.assertEqual(attempts[(self.customer.id, "whatsapp")], 1)
        self.assertLess(since, datetime(2026, 2, 2) + timedelta(days=1))
