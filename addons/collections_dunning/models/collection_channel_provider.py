from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..channel_client import ChannelDeliveryError, JsonChannelClient, check_gateway_url, redact

# Delivery settings a real gateway needs, and no more: a longer wait or more
# retries only hold the daily run (it sends one message after the other).
PROVIDER_BOUNDS = {
    "timeout": (1.0, 60.0),
    "max_attempts": (1, 10),
    "backoff": (0.0, 60.0),
}
# Most time a message may spend waiting between its retries, in seconds.
MAX_TOTAL_BACKOFF = 600.0


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
    url = fields.Char(
        string="Gateway URL",
        help="https only (http is accepted for localhost). Changing it clears the token: "
        "an administrator sets the token of the new gateway.",
    )
    token = fields.Char(groups="base.group_system", copy=False)
    timeout = fields.Float(default=10.0, help="Seconds to wait for the gateway (1 to 60).")
    max_attempts = fields.Integer(default=3, help="Attempts per message (1 to 10).")
    backoff = fields.Float(
        default=1.0,
        help="Seconds before the first retry (0 to 60); doubled for each next one.",
    )

    @api.constrains("url")
    def _check_url(self):
        """Issue 10: a gateway receives the provider's token, so only an https URL is
        accepted; http is allowed for localhost / 127.0.0.1 only (the tests' stub
        gateway, a local relay)."""
        for provider in self.filtered("url"):
            problem = check_gateway_url(provider.url)
            if problem:
                raise ValidationError(
                    self.env._(
                        "Gateway URL of %(provider)s refused: %(problem)s.",
                        provider=provider.name,
                        problem=problem,
                    )
                )

    @api.constrains("timeout", "max_attempts", "backoff")
    def _check_delivery_bounds(self):
        """Issue 10: delivery settings stay within PROVIDER_BOUNDS, and the retries
        of one message never wait more than MAX_TOTAL_BACKOFF in all: the run sends
        messages one after the other, so a huge timeout or backoff would stall it."""
        labels = {name: self._fields[name].string for name in PROVIDER_BOUNDS}
        for provider in self:
            for name, (low, high) in PROVIDER_BOUNDS.items():
                if not low <= provider[name] <= high:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of %(provider)s must be between %(low)s and %(high)s.",
                            field=labels[name],
                            provider=provider.name,
                            low=low,
                            high=high,
                        )
                    )
            total = provider.backoff * (2 ** (provider.max_attempts - 1) - 1)
            if total > MAX_TOTAL_BACKOFF:
                raise ValidationError(
                    self.env._(
                        "%(provider)s would wait %(total)s seconds between the retries of "
                        "one message: lower the backoff or the attempts (at most %(max)s).",
                        provider=provider.name,
                        total=round(total),
                        max=round(MAX_TOTAL_BACKOFF),
                    )
                )

    def write(self, vals):
        """Issue 10: a new URL clears the token, unless the same write sets one.

        Managers may edit a provider, but the token belongs to the gateway it was
        issued for: keeping it would let anyone who can change the URL send it to
        a host of their choice. Only an administrator (base.group_system) can set
        the token of the new gateway.
        """
        moved = self.browse()
        if "url" in vals and "token" not in vals:
            new_url = (vals["url"] or "").strip()
            moved = self.filtered(lambda provider: (provider.url or "").strip() != new_url)
        res = super().write(vals)
        if moved:
            moved.sudo().write({"token": False})
        return res

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
            return "failed", self._safe_reason(err), None
        return "sent", None, str(answer.get("id") or "")

    def _safe_reason(self, error):
        """Issue 10: the text of a delivery error as agents may read it (the reminder's
        ``reason``, the chatter): without the gateway's URL or token."""
        provider = self.sudo()
        return redact(error, provider.url, provider.token)

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
                result = ("failed", self._safe_reason(err), None)
            else:
                result = ("sent", None, str(answer.get("id") or ""))
            reminder._record_results({reminder.id: result}, self)
            # An outside call cannot be rolled back: commit each one (in the cron),
            # so a crash never sends it again; ``reference`` covers the last one.
            self.env["collection.run"]._checkpoint()
