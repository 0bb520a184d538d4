import logging

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

XML = [("Content-Type", "text/xml")]


class TwilioWebhookController(http.Controller):
    """Twilio's voice webhooks: the call's end (``StatusCallback``) and the key
    the customer pressed (``Gather`` action). Nothing is written before the
    ``X-Twilio-Signature`` of the URL and form checks out with the auth token;
    the reminder comes from the URL's query, which the signature covers."""

    @http.route(
        "/collections/webhook/twilio/<int:provider_id>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def twilio_webhook(self, provider_id, **kwargs):
        provider = (
            request.env["collection.channel.provider"]
            .sudo()
            .search([("id", "=", provider_id), ("provider_type", "=", "twilio_voice")])
        )
        if not provider:
            raise request.not_found()
        httprequest = request.httprequest
        form = httprequest.form
        if not provider._twilio_signature_ok(
            self._signed_urls(httprequest), form, httprequest.headers.get("X-Twilio-Signature")
        ):
            _logger.warning("Twilio webhook for provider %s: bad or missing signature", provider.id)
            return request.make_response("Forbidden", status=403)
        if "Digits" in form:
            return self._key_pressed(provider, httprequest.args.get("reminder"), form["Digits"])
        provider._twilio_call_status(form.get("CallSid"), form.get("CallStatus"))
        return request.make_response("<Response/>", headers=XML)

    def _signed_urls(self, httprequest):
        """The URL Twilio was given (from ``web.base.url``, right behind a proxy)
        and the URL the request reached: Twilio signs the one it called."""
        base = request.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        query = httprequest.query_string.decode()
        public = base.rstrip("/") + httprequest.path + (f"?{query}" if query else "")
        return [public, httprequest.url]

    def _key_pressed(self, provider, reminder_id, digits):
        reminder = request.env["collection.reminder"].sudo()
        if reminder_id and reminder_id.isdigit():
            reminder = reminder.search(
                [("id", "=", int(reminder_id)), ("provider_id", "=", provider.id)]
            )
        if not reminder:
            return request.make_response("<Response><Hangup/></Response>", headers=XML)
        return request.make_response(provider._twilio_key_pressed(reminder, digits), headers=XML)
