import json
import logging

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)


class WhatsAppWebhookController(http.Controller):
    """Meta's WhatsApp webhook: endpoint verification (GET) and signed message
    statuses and customer messages (POST). Nothing is written before the
    ``X-Hub-Signature-256`` of the raw body checks out with the app secret."""

    @http.route(
        "/collections/webhook/whatsapp/<int:provider_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def whatsapp_webhook(self, provider_id, **kwargs):
        provider = (
            request.env["collection.channel.provider"]
            .sudo()
            .search([("id", "=", provider_id), ("provider_type", "=", "whatsapp_cloud")])
        )
        if not provider:
            raise request.not_found()
        httprequest = request.httprequest
        if httprequest.method == "GET":
            return self._verify_subscription(provider, httprequest.args)
        raw_body = httprequest.get_data()
        if not provider._whatsapp_signature_ok(
            raw_body, httprequest.headers.get("X-Hub-Signature-256")
        ):
            _logger.warning(
                "WhatsApp webhook for provider %s: bad or missing signature", provider.id
            )
            return request.make_response("Forbidden", status=403)
        try:
            payload = json.loads(raw_body)
        except ValueError:
            return request.make_response("Bad Request", status=400)
        provider._whatsapp_process_webhook(payload)
        return request.make_json_response({"status": "ok"})

    def _verify_subscription(self, provider, args):
        challenge = provider._whatsapp_verify_subscription(
            args.get("hub.mode"), args.get("hub.verify_token"), args.get("hub.challenge")
        )
        if challenge is None:
            return request.make_response("Forbidden", status=403)
        return request.make_response(challenge, headers=[("Content-Type", "text/plain")])
