from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..channel_client import ChannelDeliveryError, JsonChannelClient, check_gateway_url, redact

# Delivery settings a real gateway needs, and no more: a longer wait or more
# retries only hold the daily run (it sends one message after the other).
PROVIDER_BOUNDS = {
    "timeout": (1.0, 60.0),
    "max_attempts": (1, 10),
    "backoff": (0.0, 60.0),
    "circuit_threshold": (1, 50),
    "circuit_cooldown": (1, 1440),
}
# Most time a message may spend waiting between its retries, in seconds.
MAX_TOTAL_BACKOFF = 600.0


class CollectionChannelProvider(models.Model):
    """Where WhatsApp messages and IVR calls go: the one interface to outside gateways.

    ``manual`` sends nothing: the case's agent gets a to-do with the text, and
    the reminder waits until the agent marks it done; ``http_json`` posts it to
    a gateway. Another backend is one more selection value, ``_deliver_<type>``
    and, where its API can say what became of a message, ``_lookup_<type>``.
    A gateway that keeps failing opens a circuit: its reminders wait, and the
    run goes on without calling it, until the cool-down is over.
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
        selection=[("manual", "By hand (agent to-do)"), ("http_json", "HTTPS JSON gateway")],
        string="Backend",
        required=True,
        default="manual",
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
        default=60.0,
        help="Seconds before the first retry (0 to 60); doubled for each next one.",
    )
    circuit_threshold = fields.Integer(
        string="Failures Before Pausing",
        default=5,
        help="Consecutive time-outs or server errors after which the gateway is no "
        "longer called until the pause is over (1 to 50).",
    )
    circuit_cooldown = fields.Integer(
        string="Pause (minutes)",
        default=15,
        help="How long the gateway is left alone once it kept failing (1 to 1440).",
    )
    consecutive_failures = fields.Integer(readonly=True)
    circuit_open_until = fields.Datetime(
        string="Paused Until", readonly=True, help="Set while the gateway is left alone."
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

    @api.constrains("timeout", "max_attempts", "backoff", "circuit_threshold", "circuit_cooldown")
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
        getattr(self, f"_deliver_{self.provider_type}")(reminders, messages)

    def _lookup(self, reminders):
        """What the gateway says became of reminders a stopped sender left in
        ``sending``: {reminder id: (state, reason, ref)} for those it knows."""
        lookup = getattr(self, f"_lookup_{self.provider_type}", None)
        return lookup(reminders) if lookup else {}

    # ------------------------------------------------------------------
    # Circuit breaker
    # ------------------------------------------------------------------

    def _circuit_open(self):
        self.ensure_one()
        return bool(self.circuit_open_until and self.circuit_open_until > fields.Datetime.now())

    def _circuit_record(self, error=None):
        """Count consecutive gateway failures (time-outs, 429, 5xx; a refused
        message is the message's fault, not the gateway's) and pause the gateway
        once they reach the threshold; a success closes the circuit."""
        self.ensure_one()
        if not error:
            if self.consecutive_failures or self.circuit_open_until:
                self.write({"consecutive_failures": 0, "circuit_open_until": False})
            return
        if not error.retryable:
            return
        failures = self.consecutive_failures + 1
        vals = {"consecutive_failures": failures}
        if failures >= self.circuit_threshold:
            vals["circuit_open_until"] = fields.Datetime.now() + timedelta(
                minutes=self.circuit_cooldown
            )
        self.write(vals)

    def _circuit_reason(self):
        return self.env._(
            "Waiting: %(provider)s kept failing and is paused until %(until)s.",
            provider=self.name,
            until=fields.Datetime.to_string(self.circuit_open_until),
        )

    # ------------------------------------------------------------------
    # Sending one message outside the reminder steps
    # ------------------------------------------------------------------

    def _send_text(self, ticket, number, text, reference):
        """Send one message outside the reminder steps (a notice, a notification).

        :return: (state, reason, gateway reference): ``sent`` only when a gateway
            accepted it; ``manual`` when no gateway serves the channel.
        """
        self.ensure_one()
        if self.provider_type == "manual":
            return (
                "manual",
                self.env._("no gateway sends %s: it has to be sent by hand", self.channel),
                None,
            )
        if self._circuit_open():
            return "failed", self._circuit_reason(), None
        payload = {
            "channel": self.channel,
            "to": number,
            "message": text,
            "reference": reference,
            "case": ticket.number,
        }
        try:
            answer = self._client().send(payload, idempotency_key=reference)
        except ChannelDeliveryError as err:
            self._circuit_record(err)
            return "failed", self._safe_reason(err), None
        self._circuit_record()
        return "sent", None, str(answer.get("id") or "")

    def _safe_reason(self, error):
        """Issue 10: the text of a delivery error as agents may read it (the reminder's
        ``reason``, the chatter): without the gateway's URL or token."""
        provider = self.sudo()
        return redact(error, provider.url, provider.token)

    def _client(self):
        self.ensure_one()
        return JsonChannelClient(self.sudo().url, token=self.sudo().token, timeout=self.timeout)

    def _deliver_http_json(self, reminders, messages):
        """Claim, save the claim, call: a crash, a rerun or a second worker never
        sends a reminder twice, and the gateway gets the same idempotency key for
        the same case and step whatever happens."""
        if self._circuit_open():
            reminders.write({"reason": self._circuit_reason()})
            return
        claimed = reminders._claim(self)
        self.env["collection.run"]._checkpoint()
        client = self._client()
        for index, reminder in enumerate(claimed):
            if self._circuit_open():
                claimed[index:]._release(self.circuit_open_until, self._circuit_reason())
                break
            key = reminder._idempotency_key()
            payload = {
                "channel": reminder.channel,
                "to": reminder.recipient,
                "message": messages[reminder.id],
                "reference": key,
                "case": reminder.ticket_id.number,
            }
            try:
                answer = client.send(payload, idempotency_key=key)
            except ChannelDeliveryError as err:
                reminder._record_failure(err, self)
                self._circuit_record(err)
            else:
                reminder._record_results(
                    {reminder.id: ("sent", None, str(answer.get("id") or ""))}, self
                )
                self._circuit_record()
            # An outside call cannot be rolled back: save each answer (in the cron).
            self.env["collection.run"]._checkpoint()
