"""HTTP client of the generic JSON channel provider, and what all gateway clients share.

Kept out of the models so it can be tested against a local server on its own.
One call is one attempt: a retry is a reminder state with a due time, never a
loop that sleeps inside a worker.
"""

from urllib.parse import urlsplit

import requests

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
    """The gateway refused the message, or could not be reached.

    ``retryable`` says whether trying again later may succeed (a time-out, a
    connection error, 429 or 5xx) or not (any other 4xx: an invalid number, a
    rejected message).
    """

    def __init__(self, message, retryable=False):
        super().__init__(message)
        self.retryable = retryable


def json_or_empty(response):
    """The JSON answer of a gateway, or {} when it is empty or not JSON."""
    try:
        return response.json() if response.content else {}
    except ValueError:
        return {}


class GatewayClient:
    """What the gateway clients share: their calls go through one HTTP session,
    so the calls of one delivery loop share one kept connection to the gateway
    (with a real gateway, one TCP and TLS handshake per loop, not one per
    message: issue 13). ``with client:`` closes it once the loop is done; a
    client made for one call closes with the session when it is dropped."""

    def __init__(self, timeout):
        self.timeout = timeout
        self.session = requests.Session()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.session.close()

    def _post(self, url, **kwargs):
        """One POST on the kept connection; a time-out or an unreachable gateway
        raises a retryable ChannelDeliveryError that does not name the URL (it
        may hold an account id)."""
        try:
            return self.session.post(url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise ChannelDeliveryError("gateway did not answer in time", retryable=True) from None
        except requests.RequestException as err:
            # requests' messages quote the URL (and so a webhook's secret path or an
            # account id): keep only the kind of failure.
            raise ChannelDeliveryError(
                f"gateway unreachable: {type(err).__name__}", retryable=True
            ) from None


class JsonChannelClient(GatewayClient):
    """POST one JSON message per call to a gateway.

    The payload carries a ``reference`` and the request an ``Idempotency-Key``
    header, both stable for one reminder across retries and reruns, so the
    gateway can drop a duplicate.
    """

    def __init__(self, url, token=None, timeout=10.0):
        super().__init__(timeout)
        self.url = url
        self.token = token

    def _headers(self, idempotency_key=None):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def send(self, payload, idempotency_key=None):
        """Deliver ``payload`` once; return the gateway's JSON answer or raise
        ChannelDeliveryError."""
        response = self._post(self.url, json=payload, headers=self._headers(idempotency_key))
        if response.status_code >= 400:
            answer = redact(response.text[:200], self.url, self.token)
            raise ChannelDeliveryError(
                f"gateway answered {response.status_code}: {answer}",
                retryable=response.status_code in RETRYABLE_STATUS,
            )
        return json_or_empty(response)
