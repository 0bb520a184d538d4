import base64
from datetime import datetime
from xml.sax.saxutils import escape

from twilio.request_validator import RequestValidator

from odoo.tests import HttpCase, tagged

from odoo.addons.collections_dunning.twilio_voice import TwilioVoiceClient, reminder_twiml

from .common import GatewayCommon
from .stub_gateway import TwilioVoiceStub

ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"
AUTH_TOKEN = "twilio-auth-token"
FROM_NUMBER = "+15005550006"


class TwilioMixin:
    @classmethod
    def _setup_twilio(cls):
        cls.provider = cls.env.ref("collections_dunning.channel_provider_ivr")

    def _use(self, stub, **values):
        self.provider.write(
            {
                "provider_type": "twilio_voice",
                "api_base_url": stub.url,
                "twilio_account_sid": ACCOUNT_SID,
                "token": AUTH_TOKEN,
                "twilio_from_number": FROM_NUMBER,
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestTwilioVoiceGateway(TwilioMixin, GatewayCommon):
    """IVR reminders are calls placed through Twilio's Calls API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_twilio()

    def test_calls_of_one_loop_share_one_connection(self):
        """Issue 13: one kept connection to Twilio for a delivery loop (one TLS
        handshake per loop, not per call)."""
        callback = "https://collections.example.com/collections/webhook/twilio/1"
        twiml = reminder_twiml("You owe 900.", callback, "Press 1.")
        with TwilioVoiceStub(ACCOUNT_SID, AUTH_TOKEN) as stub:
            stub.keep_alive = True
            with TwilioVoiceClient(stub.url, ACCOUNT_SID, AUTH_TOKEN, timeout=5) as client:
                sids = [
                    client.create_call("+918040001234", FROM_NUMBER, twiml, callback)
                    for _n in range(3)
                ]
        self.assertEqual(stub.problems, [])
        self.assertEqual(len(set(sids)), 3)
        self.assertEqual(stub.connections, 1)

    def test_call_is_placed_as_documented(self):
        with TwilioVoiceStub(ACCOUNT_SID, AUTH_TOKEN) as stub:
            self._use(stub)
            ivr = self._run()["ivr"]
        self.assertEqual(stub.problems, [])
        self.assertEqual(len(stub.requests), 1)
        request = stub.requests[0]
        self.assertEqual(request["path"], f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json")
        credentials = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        self.assertEqual(request["auth"], f"Basic {credentials}")
        form = request["form"]
        webhook = self.provider._webhook_url("twilio", reminder=ivr.id)
        self.assertEqual(
            webhook.split("/collections")[1],
            f"/webhook/twilio/{self.provider.id}?reminder={ivr.id}",
        )
        self.assertEqual((form["To"], form["From"]), ("+918040001234", FROM_NUMBER))
        self.assertEqual(
            (form["StatusCallback"], form["StatusCallbackEvent"]), (webhook, "completed")
        )
        self.assertIn("900.00", ivr.message)
        self.assertIn(f"<Say>{escape(ivr.message)}</Say>", form["Twiml"])
        self.assertIn(
            f'<Gather action="{escape(webhook)}" method="POST" numDigits="1">', form["Twiml"]
        )
        self.assertIn("Press 1 to get a payment link, press 2 to speak to an agent", form["Twiml"])
        self.assertEqual(ivr.state, "sent")
        self.assertEqual(ivr.external_ref, f"CA{1:032x}")
        self.assertEqual(ivr.provider_id, self.provider)

    def test_throttling_and_outages_retry_then_call_once(self):
        script = [(429, 20429, "Too Many Requests"), (503, 20503, "Service Unavailable"), "ok"]
        with TwilioVoiceStub(ACCOUNT_SID, AUTH_TOKEN, script) as stub:
            self._use(stub, max_attempts=4, backoff=60)
            ivr = self._run()["ivr"]
            self.assertEqual(ivr.state, "retry")
            self.assertIn("Too Many Requests", ivr.reason)
            self.assertEqual(ivr.next_attempt_date, datetime(2026, 2, 2, 10, 1))
            self._send_queued("2026-02-02 10:01:00")
            self.assertEqual(ivr.state, "retry")
            self.assertIn("20503", ivr.reason)
            self._send_queued("2026-02-02 10:03:00")
        self.assertEqual(stub.problems, [])
        self.assertEqual(ivr.state, "sent")
        self.assertEqual(ivr.attempt_count, 3)
        self.assertEqual(len(stub.requests), 3)

    def test_invalid_number_fails_at_once_with_twilios_message(self):
        script = [(400, 21211, "Invalid 'To' Phone Number")]
        with TwilioVoiceStub(ACCOUNT_SID, AUTH_TOKEN, script) as stub:
            self._use(stub, max_attempts=3)
            ivr = self._run()["ivr"]
            self._send_queued("2026-02-02 12:00:00")
        self.assertEqual(ivr.state, "failed")
        self.assertIn("21211", ivr.reason)
        self.assertIn("Invalid 'To' Phone Number", ivr.reason)
        self.assertEqual(len(stub.requests), 1)

    def test_wrong_credentials_fail_at_once(self):
        with TwilioVoiceStub(ACCOUNT_SID, "another-token") as stub:
            self._use(stub)
            ivr = self._run()["ivr"]
        self.assertEqual(stub.problems, ["auth"])
        self.assertEqual(ivr.state, "failed")
        self.assertIn("20003", ivr.reason)


@tagged("post_install", "-at_install")
class TestTwilioWebhook(TwilioMixin, GatewayCommon, HttpCase):
    """Twilio's signed callbacks: the call's end, and the key the customer pressed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_twilio()

    def setUp(self):
        super().setUp()
        with TwilioVoiceStub(ACCOUNT_SID, AUTH_TOKEN) as stub:
            self._use(stub)
            self.ivr = self._run()["ivr"]
        self.assertEqual(self.ivr.state, "sent")
        self.case = self.ivr.ticket_id
        self.url = stub.requests[0]["form"]["StatusCallback"]

    def _post(self, params, token=AUTH_TOKEN, url=None, signed_params=None):
        url = url or self.url
        headers = {}
        if token:
            headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(
                url, signed_params or params
            )
        return self.url_open(url, data=params, headers=headers)

    def _call(self, **params):
        return {
            "AccountSid": ACCOUNT_SID,
            "CallSid": self.ivr.external_ref,
            "From": FROM_NUMBER,
            "To": "+918040001234",
            "Direction": "outbound-api",
            **params,
        }

    def test_forged_or_unsigned_callback_is_refused_and_changes_nothing(self):
        completed = self._call(CallStatus="completed")
        self.assertEqual(self._post(completed, token=None).status_code, 403)
        self.assertEqual(self._post(completed, token="guessed").status_code, 403)
        signed_busy = self._call(CallStatus="busy")
        self.assertEqual(self._post(completed, signed_params=signed_busy).status_code, 403)
        other = self.url.replace(f"reminder={self.ivr.id}", f"reminder={self.ivr.id + 1}")
        response = self.url_open(
            other,
            data=completed,
            headers={
                "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(
                    self.url, completed
                )
            },
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._post(self._call(Digits="2"), token=None).status_code, 403)
        self.assertEqual(self.ivr.state, "sent")
        self.assertFalse(self.case.activity_ids.filtered(lambda a: "IVR" in (a.summary or "")))

    def test_completed_call_is_delivered_and_repeats_harmlessly(self):
        for _attempt in range(2):
            response = self._post(self._call(CallStatus="completed", CallDuration="42"))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(self.ivr.state, "delivered")
        self._post(self._call(CallStatus="failed"))
        self.assertEqual(self.ivr.state, "delivered", "a call that was answered stays delivered")

    def test_unanswered_call_fails_with_the_status(self):
        self.assertEqual(self._post(self._call(CallStatus="no-answer")).status_code, 200)
        self.assertEqual(self.ivr.state, "failed")
        self.assertIn("no-answer", self.ivr.reason)
        self._post(self._call(CallStatus="busy"))
        self._post(self._call(CallStatus="completed"))
        self.assertEqual(self.ivr.state, "failed")
        self.assertIn("no-answer", self.ivr.reason)

    def test_key_1_sends_the_payment_link(self):
        response = self._post(self._call(CallStatus="in-progress", Digits="1"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("<Say>We have sent you a payment link", response.text)
        posted = self.case.message_ids.filtered(
            lambda m: "pay your overdue invoices online" in str(m.body)
        )
        self.assertEqual(len(posted), 1)
        self.assertIn(self.customer, posted.partner_ids)

    def test_key_2_asks_the_agent_to_call_back(self):
        response = self._post(self._call(CallStatus="in-progress", Digits="2"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("An agent will call you back", response.text)
        callback = self.case.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("collections_dunning.mail_activity_type_callback")
                and "IVR" in a.summary
            )
        )
        self.assertEqual(len(callback), 1)
        self.assertEqual(callback.user_id, self.case.user_id)

    def test_other_key_hears_the_menu_again(self):
        response = self._post(self._call(CallStatus="in-progress", Digits="7"))
        self.assertEqual(response.status_code, 200)
        self.assertIn('<Gather action="', response.text)
        self.assertIn("Press 1 to get a payment link", response.text)
