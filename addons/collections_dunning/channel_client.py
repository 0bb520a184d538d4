"""HTTP client of the generic JSON channel provider (WhatsApp, IVR gateways).

Kept out of the models so it can be tested against a local server on its own.
"""

import logging
import time
from urllib.parse import urlsplit

import requests

_logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
REDACTED = "[redacted]"


def check_gateway_url(url):
    """Why ``url`` may not receive a gateway's token or a webhook's messages, or None.

    Only https URLs are accepted, so a token or a customer's data never travels in
    clear text. Plain http is tolerated for localhost / 127.0.0.1 only: the tests'
    stub gateway and a gateway behind a local proxy listen there.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "not a valid URL"
    if not parts.hostname:
        return "not a valid URL"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return None
    return "only https URLs are accepted (http only for localhost)"


def redact(text, *secrets):
    """``text`` without any of ``secrets`` (URLs, tokens) nor the parts of a URL.

    Errors end up in logs and in the reminder ``reason`` agents read: a webhook URL
    carries its secret in its path and a token must never be shown, so every piece
    of them (the whole URL, its path, its query, its host and port) is blanked.
    """
    text = str(text or "")
    pieces = set()
    for secret in secrets:
        if not secret:
            continue
        secret = str(secret)
        pieces.add(secret)
        try:
            parts = urlsplit(secret)
        except ValueError:
            continue
        if parts.scheme and parts.netloc:
            pieces.update(piece for piece in (parts.netloc, parts.path, parts.query) if piece)
            if parts.path and parts.path != "/":
                pieces.add(parts.path)
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) > 1:
            text = text.replace(piece, REDACTED)
    return text


class ChannelDeliveryError(Exception):
    """The gateway refused the message, or could not be reached after every attempt."""

    def __init__(self, message, retryable=False):
        super().__init__(message)
        self.retryable = retryable


class JsonChannelClient:
    """POST one JSON message per call to a gateway, retrying with exponential backoff.

    Connection errors, time-outs, 429 and 5xx answers are retried; any other 4xx
    answer is final (retrying a rejected message cannot succeed). The payload
    carries a ``reference`` the gateway can use to drop a duplicate.
    """

    def __init__(self, url, token=None, timeout=10.0, max_attempts=3, backoff=1.0, sleep=None):
        self.url = url
        self.token = token
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.sleep = sleep or time.sleep

    def _headers(self):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _post_once(self, payload):
        try:
            response = requests.post(
                self.url, json=payload, headers=self._headers(), timeout=self.timeout
            )
        except requests.RequestException as err:
            # requests' messages quote the URL (and so a webhook's secret path):
            # keep only the kind of failure.
            raise ChannelDeliveryError(
                f"gateway unreachable: {type(err).__name__}", retryable=True
            ) from None
        if response.status_code >= 400:
            answer = redact(response.text[:200], self.url, self.token)
            raise ChannelDeliveryError(
                f"gateway answered {response.status_code}: {answer}",
                retryable=response.status_code in RETRYABLE_STATUS,
            )
        try:
            return response.json() if response.content else {}
        except ValueError:
            return {}

    def send(self, payload):
        """Deliver ``payload``; return the gateway's JSON answer or raise ChannelDeliveryError."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._post_once(payload)
            except ChannelDeliveryError as err:
                if not err.retryable or attempt == self.max_attempts:
                    raise
                delay = self.backoff * (2 ** (attempt - 1))
                _logger.info(
                    "Channel gateway attempt %s failed (%s), retry in %ss", attempt, err, delay
                )
                self.sleep(delay)
        raise ChannelDeliveryError("no attempt made")  # pragma: no cover
