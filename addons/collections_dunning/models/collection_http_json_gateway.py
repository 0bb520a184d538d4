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
        answer = self._client().send(payload, idempotency_key=reference)
        return str(answer.get("id") or "")

    def _http_json_send(self, client, reminder, text):
        """One message to the JSON gateway, keyed by the reminder's idempotency key."""
        key = reminder._idempotency_key()
        payload = {
            "channel": reminder.channel,
            "to": reminder.recipient,
            "message": text,
            "reference": key,
            "case": reminder.ticket_id.number,
        }
        return str(client.send(payload, idempotency_key=key).get("id") or "")

    def _deliver_http_json(self, reminders, messages):
        client = self._client()
        self._deliver_each(
            reminders,
            lambda reminder: self._http_json_send(client, reminder, messages[reminder.id]),
        )

    def _lookup_http_json(self, reminders):
        """The JSON gateway honours the idempotency key: asking again with the same
        key returns its first answer if it got the message, or sends it now if it
        did not: one message either way. Those it cannot answer for stay unknown."""
        client = self._client()
        found = {}
        for reminder in reminders.filtered("message"):
            try:
                ref = self._http_json_send(client, reminder, reminder.message)
            except ChannelDeliveryError:
                continue
            found[reminder.id] = ("sent", None, ref)
        return found
