"""HTTP client of the generic JSON channel provider, and what all gateway clients share.

Kept out of the models so it can be tested against a local server on its own.
One call is one attempt: a retry is a reminder state with a due time, never a
loop that sleeps inside a worker.
"""

import requests

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


class ChannelDeliveryError(Exception):
    """The gateway refused the message, or could not be reached.

    ``retryable`` says whether trying again later may succeed (a time-out, a
    connection error, 429 or 5xx) or not (any other 4xx: an invalid number, a
    rejected message).
    """

    def __init__(self, message, retryable=False):
        super().__init__(message)
        self.retryable = retryable


def post_once(url, timeout, **kwargs):
    """One POST with ``requests``; a time-out or an unreachable gateway raises a
    retryable ChannelDeliveryError that does not name the URL (it may hold an
    account id)."""
    try:
        return requests.post(url, timeout=timeout, **kwargs)
    except requests.Timeout as err:
        raise ChannelDeliveryError("the gateway did not answer in time", True) from err
    except requests.RequestException as err:
        # the exception's text holds the URL: say what happened, not where
        raise ChannelDeliveryError(
            f"the gateway could not be reached ({err.__class__.__name__})", True
        ) from err


def json_or_empty(response):
    """The JSON answer of a gateway, or {} when it is empty or not JSON."""
    try:
        return response.json() if response.content else {}
    except ValueError:
        return {}


class JsonChannelClient:
    """POST one JSON message per call to a gateway.

    The payload carries a ``reference`` and the request an ``Idempotency-Key``
    header, both stable for one reminder across retries and reruns, so the
    gateway can drop a duplicate.
    """

    def __init__(self, url, token=None, timeout=10.0):
        self.url = url
        self.token = token
        self.timeout = timeout

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
        response = post_once(
            self.url, self.timeout, json=payload, headers=self._headers(idempotency_key)
        )
        if response.status_code >= 400:
            raise ChannelDeliveryError(
                f"the gateway answered {response.status_code}: {response.text[:200]}",
                retryable=response.status_code in RETRYABLE_STATUS,
            )
        return json_or_empty(response)
