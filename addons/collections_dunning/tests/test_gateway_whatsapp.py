import hashlib
import hmac
import json
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.collections_dunning.whatsapp_cloud import WhatsAppCloudClient

from .common import GatewayCommon
from .stub_gateway import WhatsAppCloudStub

PHONE_NUMBER_ID = "106540352242922"
TOKEN = "EAAGm0PX4ZCpsBA-test"
APP_SECRET = "meta-app-secret"
VERIFY_TOKEN = "collections-verify"


class WhatsAppMixin:
    @classmethod
    def _setup_whatsapp(cls):
        cls.provider = cls.env.ref("collections_dunning.channel_provider_whatsapp")
        cls.steps = cls.env["collection.reminder.step"].search([("channel", "=", "whatsapp")])
        cls.steps.write(
            {
                "whatsapp_template_name": "payment_reminder",
                "whatsapp_template_lang": "en_US",
                "whatsapp_template_params": "{{ object.partner_id.name }}\n\n{{ object.number }}",
            }
        )

    def _use(self, stub, **values):
        self.provider.write(
            {
                "provider_type": "whatsapp_cloud",
                "api_base_url": stub.url,
                "whatsapp_phone_number_id": PHONE_NUMBER_ID,
                "token": TOKEN,
                "app_secret": APP_SECRET,
                "verify_token": VERIFY_TOKEN,
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestWhatsAppCloudGateway(WhatsAppMixin, GatewayCommon):
    """Reminders go as approved templates through Meta's Cloud API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_whatsapp()

    def test_template_message_is_sent_as_documented(self):
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN) as stub:
            self._use(stub)
            whatsapp = self._run()["whatsapp"]
        self.assertEqual(stub.problems, [])
        self.assertEqual(len(stub.requests), 1)
        request = stub.requests[0]
        self.assertEqual(request["path"], f"/v21.0/{PHONE_NUMBER_ID}/messages")
        self.assertEqual(request["auth"], f"Bearer {TOKEN}")
        body = request["body"]
        self.assertEqual(body["to"], "918040001234")
        self.assertEqual(
            body["template"],
            {
                "name": "payment_reminder",
                "language": {"code": "en_US"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": self.customer.name},
                            {"type": "text", "text": whatsapp.ticket_id.number},
                        ],
                    }
                ],
            },
        )
        self.assertEqual(body["biz_opaque_callback_data"], whatsapp._idempotency_key())
        self.assertEqual(
            body["biz_opaque_callback_data"],
            f"collection-{whatsapp.ticket_id.id}-{whatsapp.step_id.id}",
        )
        self.assertEqual(whatsapp.state, "sent")
        self.assertEqual(whatsapp.external_ref, "wamid.HBgM0001")
        self.assertEqual(whatsapp.provider_id, self.provider)

    def test_messages_of_one_loop_share_one_connection(self):
        """Issue 13: one kept connection to Meta for a delivery loop (one TLS
        handshake per loop, not per message)."""
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN) as stub:
            stub.keep_alive = True
            with WhatsAppCloudClient(stub.url, PHONE_NUMBER_ID, TOKEN, timeout=5) as client:
                ids = [
                    client.send_template(
                        "+918040001234", "payment_reminder", "en_US", [str(n)], f"ref-{n}"
                    )
                    for n in range(3)
                ]
        self.assertEqual(stub.problems, [])
        self.assertEqual(len(set(ids)), 3)
        self.assertEqual(stub.connections, 1)

    def test_rate_limits_and_outages_retry_then_send_once(self):
        script = [
            (429, 4, "(#4) Application request limit reached"),
            (503, 131016, "Service unavailable"),
            (400, 130429, "Rate limit hit"),
            "ok",
        ]
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN, script) as stub:
            self._use(stub, max_attempts=4, backoff=60)
            whatsapp = self._run()["whatsapp"]
            self.assertEqual(whatsapp.state, "retry")
            self.assertIn("Application request limit reached", whatsapp.reason)
            self.assertEqual(whatsapp.next_attempt_date, datetime(2026, 2, 2, 10, 1))
            self._send_queued("2026-02-02 10:01:00")
            self.assertEqual(whatsapp.state, "retry")
            self.assertIn("131016", whatsapp.reason)
            self._send_queued("2026-02-02 10:03:00")
            self.assertEqual(whatsapp.state, "retry", "a throttling code is retried")
            self._send_queued("2026-02-02 10:07:00")
        self.assertEqual(stub.problems, [])
        self.assertEqual(whatsapp.state, "sent")
        self.assertEqual(whatsapp.attempt_count, 4)
        self.assertEqual(
            {r["body"]["biz_opaque_callback_data"] for r in stub.requests},
            {whatsapp._idempotency_key()},
        )

    def test_refused_template_fails_at_once_with_metas_message(self):
        script = [(404, 132001, "Template name does not exist in the translation")]
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN, script) as stub:
            self._use(stub, max_attempts=3)
            whatsapp = self._run()["whatsapp"]
            self._send_queued("2026-02-02 12:00:00")
        self.assertEqual(whatsapp.state, "failed")
        self.assertIn("132001", whatsapp.reason)
        self.assertIn("Template name does not exist in the translation", whatsapp.reason)
        self.assertEqual(len(stub.requests), 1)

    def test_undeliverable_number_fails_at_once(self):
        script = [(400, 131026, "Message Undeliverable")]
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN, script) as stub:
            self._use(stub)
            whatsapp = self._run()["whatsapp"]
        self.assertEqual(whatsapp.state, "failed")
        self.assertIn("Message Undeliverable", whatsapp.reason)
        self.assertEqual(self.provider.consecutive_failures, 0, "not the gateway's fault")

    def test_step_without_template_fails_naming_the_step(self):
        self.steps.write({"whatsapp_template_name": False})
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN) as stub:
            self._use(stub)
            reminders = self._run()
        whatsapp = reminders["whatsapp"]
        self.assertEqual(stub.requests, [])
        self.assertEqual(whatsapp.state, "failed")
        self.assertIn(whatsapp.step_id.name, whatsapp.reason)
        self.assertIn("WhatsApp template", whatsapp.reason)
        self.assertEqual(reminders["sms"].state, "sending", "the run went on")

    def test_step_whose_parameters_do_not_render_fails_with_the_error(self):
        self.steps.write({"whatsapp_template_params": "{{ object.no_such_field }}"})
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN) as stub:
            self._use(stub)
            whatsapp = self._run()["whatsapp"]
        self.assertEqual(stub.requests, [])
        self.assertEqual(whatsapp.state, "failed")
        self.assertIn("cannot be rendered", whatsapp.reason)

    def test_each_company_sends_through_its_own_gateway(self):
        Provider = self.env["collection.channel.provider"]
        other = self.env["res.company"].create({"name": "Collections East"})
        self.provider.company_id = False  # shared by every company without its own
        own = Provider.create(
            {
                "name": "WhatsApp East",
                "channel": "whatsapp",
                "provider_type": "whatsapp_cloud",
                "whatsapp_phone_number_id": "2000",
                "company_id": other.id,
                "sequence": 99,
            }
        )
        self.assertEqual(Provider._for_channel(other, "whatsapp"), own)
        self.assertEqual(Provider._for_channel(self.company, "whatsapp"), self.provider)
        with self.assertRaisesRegex(ValidationError, "only serves the IVR Call channel"):
            Provider.create(
                {"name": "Calls", "channel": "whatsapp", "provider_type": "twilio_voice"}
            )

    def test_notice_goes_as_the_providers_notice_template(self):
        case = self._run()["whatsapp"].ticket_id
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN) as stub, freeze_time("2026-02-02 10:00:00"):
            self._use(stub)
            refused = self.provider._send_text(case, "+918040001234", "Legal notice", "ln-1")
            self.provider.whatsapp_text_template = "collection_notice"
            sent = self.provider._send_text(case, "+918040001234", "Legal\nnotice", "ln-1")
        self.assertEqual(refused[0], "failed")
        self.assertIn("template for notices", refused[1])
        self.assertEqual(sent, ("sent", None, "wamid.HBgM0001"))
        body = stub.requests[0]["body"]
        self.assertEqual(body["template"]["name"], "collection_notice")
        self.assertEqual(
            body["template"]["components"][0]["parameters"],
            [{"type": "text", "text": "Legal notice"}],
        )
        self.assertEqual(stub.problems, [])


@tagged("post_install", "-at_install")
class TestWhatsAppWebhook(WhatsAppMixin, GatewayCommon, HttpCase):
    """Meta's signed webhooks: statuses move reminders forward, replies reach the case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_whatsapp()

    def setUp(self):
        super().setUp()
        with WhatsAppCloudStub(PHONE_NUMBER_ID, TOKEN) as stub:
            self._use(stub)
            self.whatsapp = self._run()["whatsapp"]
        self.assertEqual(self.whatsapp.state, "sent")
        self.wamid = self.whatsapp.external_ref
        self.url = f"/collections/webhook/whatsapp/{self.provider.id}"

    def _post(self, payload, secret=APP_SECRET, raw=None):
        raw = raw or json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if secret:
            digest = hmac.new(secret.encode(), json.dumps(payload).encode(), hashlib.sha256)
            headers["X-Hub-Signature-256"] = f"sha256={digest.hexdigest()}"
        return self.url_open(self.url, data=raw, headers=headers)

    def _payload(self, statuses=(), messages=()):
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "15550783881",
                "phone_number_id": PHONE_NUMBER_ID,
            },
        }
        if statuses:
            value["statuses"] = list(statuses)
        if messages:
            value["contacts"] = [{"profile": {"name": "H7"}, "wa_id": "918040001234"}]
            value["messages"] = list(messages)
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}
            ],
        }

    def _status(self, status, **extra):
        return {
            "id": self.wamid,
            "status": status,
            "timestamp": "1770026400",
            "recipient_id": "918040001234",
            **extra,
        }

    def test_verification_echoes_the_challenge_for_the_verify_token_only(self):
        query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
        response = self.url_open(f"{self.url}?{query}{VERIFY_TOKEN}")
        self.assertEqual((response.status_code, response.text), (200, "1158201444"))
        response = self.url_open(f"{self.url}?{query}guess")
        self.assertEqual(response.status_code, 403)

    def test_forged_or_unsigned_webhook_is_refused_and_changes_nothing(self):
        payload = self._payload([self._status("read")])
        self.assertEqual(self._post(payload, secret=None).status_code, 403)
        self.assertEqual(self._post(payload, secret="not-the-secret").status_code, 403)
        tampered = json.dumps(self._payload([self._status("failed")])).encode()
        self.assertEqual(self._post(payload, raw=tampered).status_code, 403)
        self.assertEqual(self.whatsapp.state, "sent")

    def test_genuine_statuses_move_forward_only_and_repeat_harmlessly(self):
        response = self._post(self._payload([self._status("delivered")]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.whatsapp.state, "delivered")
        self.assertEqual(self._post(self._payload([self._status("delivered")])).status_code, 200)
        self.assertEqual(self.whatsapp.state, "delivered")
        self._post(self._payload([self._status("read")]))
        self.assertEqual(self.whatsapp.state, "read")
        for late in ("sent", "delivered", "read", "failed"):
            self.assertEqual(self._post(self._payload([self._status(late)])).status_code, 200)
            self.assertEqual(self.whatsapp.state, "read", late)

    def test_failed_status_records_metas_error(self):
        error = {"code": 131026, "title": "Message undeliverable"}
        self._post(self._payload([self._status("failed", errors=[error])]))
        self.assertEqual(self.whatsapp.state, "failed")
        self.assertIn("Message undeliverable", self.whatsapp.reason)
        self._post(self._payload([self._status("delivered")]))
        self.assertEqual(self.whatsapp.state, "failed", "failed is final")

    def test_customer_reply_lands_in_the_case_chatter_once(self):
        case = self.whatsapp.ticket_id
        message = {
            "from": "918040001234",
            "id": "wamid.INBOUND1",
            "timestamp": "1770026500",
            "type": "text",
            "text": {"body": "I will pay on Friday"},
        }
        for _attempt in range(2):  # Meta retries a webhook it thinks was lost
            self.assertEqual(self._post(self._payload(messages=[message])).status_code, 200)
        posted = case.message_ids.filtered(lambda m: "I will pay on Friday" in str(m.body))
        self.assertEqual(len(posted), 1)
        self.assertEqual(posted.author_id, self.customer)
        self.assertEqual(posted.message_type, "comment")
