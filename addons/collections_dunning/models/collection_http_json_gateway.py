from odoo import models

from ..channel_client import ChannelDeliveryError, JsonChannelClient


class CollectionHttpJsonGateway(models.AbstractModel):
    """The ``http_json`` backend of a channel provider: an in-house gateway
    that takes one JSON message per call and honours the idempotency key.
    Mixed into ``collection.channel.provider``."""

    _name = "collection.http.json.gateway"
    _description = "HTTPS JSON Channel Gateway"

    def _client(self):
        self.ensure_one()
        return JsonChannelClient(self.sudo().url, token=self.sudo().token, timeout=self.timeout)

    def _send_text_http_json(self, ticket, number, text, reference):
        payload = {
            "channel": self.channel,
            "to": number,
            "message": text,
            "reference": reference,
            "case": ticket.number,
        }
        with self._client() as client:
            answer = client.send(payload, idempotency_key=reference)
        return str(answer.get("id") or "")

    def _http_json_payload(self, reminder, text):
        """The JSON message of one reminder, keyed by its idempotency key."""
        return {
            "channel": reminder.channel,
            "to": reminder.recipient,
            "message": text,
            "reference": reminder._idempotency_key(),
            "case": reminder.ticket_id.number,
        }

    def _http_json_post(self, client, payload):
        """One message to the JSON gateway; the gateway's reference of it."""
        return str(client.send(payload, idempotency_key=payload["reference"]).get("id") or "")

    def _http_json_send(self, client, reminder, text):
        """One message to the JSON gateway, keyed by the reminder's idempotency key."""
        return self._http_json_post(client, self._http_json_payload(reminder, text))

    def _deliver_http_json(self, reminders, messages):
        payloads = {r.id: self._http_json_payload(r, messages[r.id]) for r in reminders}
        with self._client() as client:  # one connection for the loop
            self._deliver_each(
                reminders, lambda reminder: self._http_json_post(client, payloads[reminder.id])
            )

    def _lookup_http_json(self, reminders):
        """The JSON gateway honours the idempotency key: asking again with the same
        key returns its first answer if it got the message, or sends it now if it
        did not: one message either way. Those it cannot answer for stay unknown."""
        found = {}
        with self._client() as client:
            for reminder in reminders.filtered("message"):
                try:
                    ref = self._http_json_send(client, reminder, reminder.message)
                except ChannelDeliveryError:
                    continue
                found[reminder.id] = ("sent", None, ref)
        return found
