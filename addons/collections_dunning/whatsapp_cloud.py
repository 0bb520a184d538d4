"""WhatsApp Business Cloud API (Meta Graph API): sending templates, reading webhooks.

Protocol only, no models: the provider model drives it. One call is one attempt;
a retry is a reminder state with a due time.

- Send: ``POST {base}/{phone-number-id}/messages`` with ``Authorization: Bearer``
  and a ``template`` message (business-initiated messages need an approved
  template); the answer's ``messages[0].id`` (a ``wamid``) is the reference the
  status webhooks carry.
- Webhooks: Meta signs the raw body with the app secret
  (``X-Hub-Signature-256: sha256=<hex>``) and verifies the endpoint with a GET
  echoing ``hub.challenge`` when ``hub.verify_token`` matches.
"""

import hashlib
import hmac
import re

from .channel_client import ChannelDeliveryError, GatewayClient, json_or_empty

DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0"

# Graph API error codes worth another try later: throttling and outages.
# 4: application request limit; 80007: WhatsApp Business account rate limit;
# 130429: Cloud API throughput reached; 131016: service unavailable;
# 131056: too many messages to the same number (pair rate limit).
RETRYABLE_CODES = {4, 80007, 130429, 131016, 131056}

# Template parameters may not hold new lines, tabs or more than 4 spaces in a row.
_BLANKS = re.compile(r"\s+")


def template_parameter(text):
    """A rendered value as Meta accepts it in a template: one line, single spaces."""
    return _BLANKS.sub(" ", text or "").strip()


def wa_number(e164):
    """``+91 80…`` -> ``9180…``: the Cloud API takes the digits only."""
    return re.sub(r"\D", "", e164 or "")


def signature_is_valid(app_secret, raw_body, header):
    """Whether ``X-Hub-Signature-256`` is Meta's HMAC-SHA256 of the raw body with
    the app secret. A missing secret or header never validates."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :])


def webhook_changes(payload):
    """The ``value`` of each ``messages`` change of a webhook payload."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return []
    return [
        change.get("value") or {}
        for entry in payload.get("entry") or []
        for change in entry.get("changes") or []
        if change.get("field") == "messages"
    ]


def message_text(message):
    """The text a customer sent: a text body, a quick-reply button, or the type."""
    kind = message.get("type")
    if kind == "text":
        return (message.get("text") or {}).get("body") or ""
    if kind == "button":
        return (message.get("button") or {}).get("text") or ""
    return f"({kind} message)"


class WhatsAppCloudClient(GatewayClient):
    """Send one template message per call to a WhatsApp business phone number."""

    def __init__(self, base_url, phone_number_id, token, timeout=10.0):
        super().__init__(timeout)
        self.url = f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/{phone_number_id}/messages"
        self.token = token

    @staticmethod
    def template_payload(to, name, language, parameters, reference=None):
        """The documented body of a template message with text body parameters;
        ``biz_opaque_callback_data`` carries our idempotency key (Meta echoes it
        in the status webhooks)."""
        template = {"name": name, "language": {"code": language or "en"}}
        if parameters:
            template["components"] = [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": template_parameter(value)} for value in parameters
                    ],
                }
            ]
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": wa_number(to),
            "type": "template",
            "template": template,
        }
        if reference:
            payload["biz_opaque_callback_data"] = reference
        return payload

    def send_template(self, to, name, language, parameters, reference=None):
        """Send the template; return the message id (``wamid``) or raise
        ChannelDeliveryError (retryable for 429, 5xx and throttling codes)."""
        response = self._post(
            self.url,
            json=self.template_payload(to, name, language, parameters, reference),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
            },
        )
        answer = json_or_empty(response)
        if response.status_code >= 400 or "error" in answer:
            raise self._error(response.status_code, answer)
        messages = answer.get("messages") or [{}]
        if not messages[0].get("id"):
            raise ChannelDeliveryError("WhatsApp answered without a message id", True)
        return messages[0]["id"]

    @staticmethod
    def _error(status, answer):
        """ChannelDeliveryError from a Graph API error body
        ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``."""
        error = answer.get("error") or {}
        code = error.get("code")
        details = (error.get("error_data") or {}).get("details")
        message = error.get("message") or f"HTTP {status}"
        if details:
            message = f"{message} ({details})"
        retryable = status == 429 or status >= 500 or code in RETRYABLE_CODES
        return ChannelDeliveryError(
            f"WhatsApp refused the message (code {code or status}): {message}", retryable
        )
