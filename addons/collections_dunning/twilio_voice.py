"""Twilio Programmable Voice: IVR calls, their TwiML, and checking Twilio's webhooks.

Protocol only, no models: the provider model drives it. One call is one attempt.

- Call: ``POST {base}/2010-04-01/Accounts/{AccountSid}/Calls.json`` with HTTP
  basic auth (account SID, auth token) and a form body (``To``, ``From``,
  ``Twiml``, ``StatusCallback``, ``StatusCallbackEvent``); 201 answers the call
  resource, whose ``sid`` (``CA…``) the status callbacks carry.
- Webhooks: Twilio signs the full URL and the sorted form parameters with the
  auth token (``X-Twilio-Signature``), checked with the library's RequestValidator.
"""

from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Gather, VoiceResponse

from .channel_client import (
    RETRYABLE_STATUS,
    ChannelDeliveryError,
    GatewayClient,
    json_or_empty,
)

DEFAULT_BASE_URL = "https://api.twilio.com"

# Status callback CallStatus -> reminder state; in-progress states say nothing new.
CALL_STATES = {
    "completed": "delivered",
    "busy": "failed",
    "no-answer": "failed",
    "failed": "failed",
    "canceled": "failed",
}


def signature_is_valid(auth_token, urls, params, signature):
    """Whether ``X-Twilio-Signature`` signs one of ``urls`` (the URL Twilio was
    given, the URL the request reached) with these form parameters."""
    if not auth_token or not signature:
        return False
    validator = RequestValidator(auth_token)
    return any(validator.validate(url, params, signature) for url in urls if url)


def _menu(response, action_url, menu_text):
    gather = Gather(num_digits=1, action=action_url, method="POST")
    gather.say(menu_text)
    response.append(gather)
    return response


def reminder_twiml(text, action_url, menu_text):
    """The call: the reminder read out, then the one-key menu posting to the webhook."""
    response = VoiceResponse()
    response.say(text)
    return str(_menu(response, action_url, menu_text))


def say_twiml(text, action_url=None, menu_text=None):
    """A spoken answer; with ``action_url``, followed by the menu again."""
    response = VoiceResponse()
    response.say(text)
    if action_url:
        _menu(response, action_url, menu_text)
    else:
        response.hangup()
    return str(response)


class TwilioVoiceClient(GatewayClient):
    """Place one outbound call per request."""

    def __init__(self, base_url, account_sid, auth_token, timeout=10.0):
        super().__init__(timeout)
        base = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.url = f"{base}/2010-04-01/Accounts/{account_sid}/Calls.json"
        self.auth = (account_sid, auth_token)

    @staticmethod
    def call_form(to, from_, twiml, status_callback=None):
        """The documented form of a call: who, from which number, what to play,
        and where to report its end."""
        form = {"To": to, "From": from_, "Twiml": twiml}
        if status_callback:
            form.update(
                {
                    "StatusCallback": status_callback,
                    "StatusCallbackEvent": "completed",
                    "StatusCallbackMethod": "POST",
                }
            )
        return form

    def create_call(self, to, from_, twiml, status_callback=None):
        """Place the call; return its SID or raise ChannelDeliveryError
        (retryable for 429 and 5xx)."""
        response = self._post(
            self.url,
            data=self.call_form(to, from_, twiml, status_callback),
            auth=self.auth,
            headers={"Accept": "application/json"},
        )
        answer = json_or_empty(response)
        if response.status_code >= 400:
            raise ChannelDeliveryError(
                "Twilio refused the call (code {code}): {message}".format(
                    code=answer.get("code") or response.status_code,
                    message=answer.get("message") or f"HTTP {response.status_code}",
                ),
                retryable=response.status_code in RETRYABLE_STATUS or response.status_code >= 500,
            )
        if not answer.get("sid"):
            raise ChannelDeliveryError("Twilio answered without a call SID", True)
        return answer["sid"]
