from markupsafe import Markup

from odoo import fields, models

from ..channel_client import ChannelDeliveryError, JsonChannelClient


class CollectionChannelProvider(models.Model):
    """Where WhatsApp messages and IVR calls go: the one interface to outside gateways.

    ``recording`` keeps the message in the case's chatter and the reminder log
    (for tests, demos, or a team that calls by hand); ``http_json`` posts it to a
    gateway. Another backend is one more selection value and ``_deliver_<type>``.
    """

    _name = "collection.channel.provider"
    _description = "Collection Channel Provider"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(comodel_name="res.company", default=lambda self: self.env.company)
    channel = fields.Selection(
        selection=[("whatsapp", "WhatsApp"), ("ivr", "IVR Call")], required=True
    )
    provider_type = fields.Selection(
        selection=[("recording", "Record only"), ("http_json", "HTTPS JSON gateway")],
        string="Backend",
        required=True,
        default="recording",
    )
    url = fields.Char(string="Gateway URL")
    token = fields.Char(groups="base.group_system")
    timeout = fields.Float(default=10.0, help="Seconds to wait for the gateway.")
    max_attempts = fields.Integer(default=3)
    backoff = fields.Float(
        default=1.0, help="Seconds before the first retry; doubled for each next one."
    )

    def _for_channel(self, company, channel):
        """The provider serving ``channel`` for ``company`` (may be empty)."""
        return self.search(
            [("channel", "=", channel), ("company_id", "in", [company.id, False])], limit=1
        )

    def _deliver(self, reminders, messages):
        """Deliver ``messages`` ({reminder id: text}) of queued ``reminders`` and
        record on each reminder what became of it."""
        provider_type = self.provider_type or "recording"
        getattr(self, f"_deliver_{provider_type}")(reminders, messages)

    def _deliver_recording(self, reminders, messages):
        channel_name = dict(self._fields["channel"].selection).get(
            reminders[:1].channel, reminders[:1].channel
        )
        bodies = {
            reminder.ticket_id.id: Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "%(channel)s to %(to)s (recorded)", channel=channel_name, to=reminder.recipient
                ),
                messages[reminder.id],
            )
            for reminder in reminders
        }
        reminders.ticket_id._message_log_batch(bodies=bodies)
        reminders._record_results(
            {reminder.id: ("sent", None, None) for reminder in reminders}, self
        )

    def _send_text(self, ticket, number, text, reference):
        """Send one message outside the reminder steps (a notice, a notification).

        :return: (state, reason, gateway reference), state being sent or failed
        """
        self.ensure_one()
        if (self.provider_type or "recording") == "recording":
            channel_name = dict(self._fields["channel"].selection).get(self.channel)
            ticket._message_log(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    self.env._("%(channel)s to %(to)s (recorded)", channel=channel_name, to=number),
                    text,
                )
            )
            return "sent", None, None
        payload = {
            "channel": self.channel,
            "to": number,
            "message": text,
            "reference": reference,
            "case": ticket.number,
        }
        try:
            answer = self._client().send(payload)
        except ChannelDeliveryError as err:
            return "failed", str(err), None
        return "sent", None, str(answer.get("id") or "")

    def _client(self):
        self.ensure_one()
        return JsonChannelClient(
            self.sudo().url,
            token=self.sudo().token,
            timeout=self.timeout,
            max_attempts=self.max_attempts,
            backoff=self.backoff,
        )

    def _deliver_http_json(self, reminders, messages):
        client = self._client()
        for reminder in reminders:
            payload = {
                "channel": reminder.channel,
                "to": reminder.recipient,
                "message": messages[reminder.id],
                "reference": f"collection-reminder-{reminder.id}",
                "case": reminder.ticket_id.number,
            }
            try:
                answer = client.send(payload)
            except ChannelDeliveryError as err:
                result = ("failed", str(err), None)
            else:
                result = ("sent", None, str(answer.get("id") or ""))
            reminder._record_results({reminder.id: result}, self)
            # An outside call cannot be rolled back: commit each one (in the cron),
            # so a crash never sends it again; ``reference`` covers the last one.
            self.env["collection.run"]._checkpoint()
