"""HTTP client of the generic JSON channel provider (WhatsApp, IVR gateways).

Kept out of the models so it can be tested against a local server on its own.
"""

import logging
import time

import requests

_logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


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
            raise ChannelDeliveryError(f"gateway unreachable: {err}", retryable=True) from err
        if response.status_code >= 400:
            raise ChannelDeliveryError(
                f"gateway answered {response.status_code}: {response.text[:200]}",
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
