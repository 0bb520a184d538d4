from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import BaseCase, tagged

from odoo.addons.collections_dunning.channel_client import (
    ChannelDeliveryError,
    JsonChannelClient,
)

from .common import CollectionsCommon
from .stub_gateway import StubGateway


@tagged("post_install", "-at_install")
class TestJsonChannelClient(BaseCase):
    def _client(self, url, **kwargs):
        self.delays = []
        return JsonChannelClient(url, token="s3cret", timeout=2, sleep=self.delays.append, **kwargs)

    def test_posts_json_with_bearer_token(self):
        with StubGateway() as gateway:
            answer = self._client(gateway.url).send({"to": "+918040001234", "message": "Hi"})
        self.assertEqual(answer, {"id": "msg-1"})
        self.assertEqual(gateway.requests[0]["auth"], "Bearer s3cret")
        self.assertEqual(gateway.requests[0]["body"]["to"], "+918040001234")

    def test_retries_server_errors_with_backoff(self):
        with StubGateway([503, 502, 200]) as gateway:
            answer = self._client(gateway.url, max_attempts=3, backoff=0.5).send({"x": 1})
        self.assertEqual(answer, {"id": "msg-3"})
        self.assertEqual(len(gateway.requests), 3)
        self.assertEqual(self.delays, [0.5, 1.0])

    def test_gives_up_after_max_attempts(self):
        with StubGateway([500, 500, 500, 500]) as gateway:
            with self.assertRaisesRegex(ChannelDeliveryError, "500"):
                self._client(gateway.url, max_attempts=3).send({"x": 1})
        self.assertEqual(len(gateway.requests), 3)

    def test_client_error_is_not_retried(self):
        with StubGateway([400]) as gateway:
            with self.assertRaisesRegex(ChannelDeliveryError, "400"):
                self._client(gateway.url, max_attempts=3).send({"x": 1})
        self.assertEqual(len(gateway.requests), 1)
        self.assertEqual(self.delays, [])

    def test_unreachable_gateway_is_retried_then_fails(self):
        with StubGateway() as gateway:
            url = gateway.url
        with self.assertRaisesRegex(ChannelDeliveryError, "unreachable"):
            self._client(url, max_attempts=2).send({"x": 1})
        self.assertEqual(len(self.delays), 1)


@tagged("post_install", "-at_install")
class TestChannelProviders(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time("2026-02-01"):
            cls._create_invoice(cls.customer, date(2026, 2, 1), 900.0)

    def _run(self):
        with freeze_time("2026-02-02 10:00:00"):
            self.env["collection.policy"]._cron_run()
        case = self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )
        return case, {r.channel: r for r in case.collection_reminder_ids}

    def test_recording_backend_writes_chatter_and_log(self):
        case, reminders = self._run()
        whatsapp = reminders["whatsapp"]
        self.assertEqual(whatsapp.state, "sent")
        self.assertEqual(whatsapp.recipient, "+918040001234")
        self.assertIn("900.00", whatsapp.message)
        self.assertEqual(
            whatsapp.provider_id, self.env.ref("collections_dunning.channel_provider_whatsapp")
        )
        self.assertTrue(
            any("WhatsApp to +918040001234" in b for b in case.message_ids.mapped("body"))
        )

    def test_http_backend_delivers_to_gateway(self):
        with StubGateway() as gateway:
            provider = self.env.ref("collections_dunning.channel_provider_whatsapp")
            provider.write({"provider_type": "http_json", "url": gateway.url, "token": "tok"})
            case, reminders = self._run()
        self.assertEqual(len(gateway.requests), 1)
        body = gateway.requests[0]["body"]
        self.assertEqual(body["channel"], "whatsapp")
        self.assertEqual(body["to"], "+918040001234")
        self.assertEqual(body["reference"], f"collection-reminder-{reminders['whatsapp'].id}")
        self.assertEqual(body["case"], case.number)
        self.assertEqual(reminders["whatsapp"].state, "sent")
        self.assertEqual(reminders["whatsapp"].external_ref, "msg-1")

    def test_http_failure_is_logged_and_run_goes_on(self):
        with StubGateway([500, 500, 500]) as gateway:
            provider = self.env.ref("collections_dunning.channel_provider_ivr")
            provider.write({"provider_type": "http_json", "url": gateway.url, "max_attempts": 3})
            with patch("time.sleep"):
                _case, reminders = self._run()
        self.assertEqual(reminders["ivr"].state, "failed")
        self.assertIn("500", reminders["ivr"].reason)
        self.assertEqual(reminders["sms"].state, "sent")
        self.assertEqual(reminders["whatsapp"].state, "sent")
