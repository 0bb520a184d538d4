from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..bounds import check_bounds
from ..channel_client import ChannelDeliveryError, check_gateway_url, redact

# Which channel each gateway can serve.
GATEWAY_CHANNELS = {"whatsapp_cloud": "whatsapp", "twilio_voice": "ivr"}


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
    an in-house gateway; ``whatsapp_cloud`` sends the step's approved template
    through Meta's WhatsApp Business Cloud API; ``twilio_voice`` places an IVR
    call through Twilio Programmable Voice. Each is configured per company, and
    the two real gateways report back through signed webhooks (see
    ``controllers/``). Another backend is one more selection value, ``_deliver_<type>``
    and, where its API can say what became of a message, ``_lookup_<type>``.
    A gateway that keeps failing opens a circuit: its reminders wait, and the
    run goes on without calling it, until the cool-down is over.

    Each backend's specifics live in its own mixin (``collection.http.json.gateway``,
    ``collection.whatsapp.gateway``, ``collection.twilio.gateway``), the circuit
    in ``collection.gateway.circuit``; this model chooses, sends and records.
    """

    _name = "collection.channel.provider"
    _inherit = [
        "collection.gateway.circuit",
        "collection.http.json.gateway",
        "collection.whatsapp.gateway",
        "collection.twilio.gateway",
    ]
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
        selection=[
            ("manual", "By hand (agent to-do)"),
            ("http_json", "HTTPS JSON gateway"),
            ("whatsapp_cloud", "WhatsApp Business Cloud API"),
            ("twilio_voice", "Twilio Programmable Voice"),
        ],
        string="Backend",
        required=True,
        default="manual",
    )
    url = fields.Char(
        string="Gateway URL",
        help="https only (http is accepted for localhost). Changing it clears the token: "
        "an administrator sets the token of the new gateway.",
    )
    token = fields.Char(
        groups="base.group_system",
        copy=False,
        help="Bearer token of the JSON gateway, access token of the WhatsApp Business "
        "account, or auth token of the Twilio account.",
    )
    api_base_url = fields.Char(
        string="API Base URL",
        help="Leave empty to call Meta (https://graph.facebook.com/v21.0) or Twilio "
        "(https://api.twilio.com) directly; set it for a proxy or a test server.",
    )
    webhook_url = fields.Char(
        compute="_compute_webhook_url",
        help="Where the gateway reports what became of each message (and customers' "
        "replies); enter it in Meta's app settings. Twilio is given it with each call.",
    )
    timeout = fields.Float(default=10.0, help="Seconds to wait for the gateway (1 to 60).")
    max_attempts = fields.Integer(default=3, help="Attempts per message (1 to 10).")
    backoff = fields.Float(
        default=60.0,
        help="Seconds before the first retry (0 to 60); doubled for each next one.",
    )

    @api.constrains("url", "api_base_url")
    def _check_url(self):
        """Issue 10: a gateway receives the provider's token, so only an https URL is
        accepted; http is allowed for localhost / 127.0.0.1 only (the tests' stub
        gateway, a local relay)."""
        for provider in self:
            problem = check_gateway_url(provider.url) or check_gateway_url(provider.api_base_url)
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
        check_bounds(self, PROVIDER_BOUNDS)
        for provider in self:
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
        for field in ("url", "api_base_url"):
            if field in vals and "token" not in vals:
                new_url = (vals[field] or "").strip()
                moved |= self.filtered(lambda p, f=field, u=new_url: (p[f] or "").strip() != u)
        res = super().write(vals)
        if moved:
            moved.sudo().write({"token": False})
        return res

    @api.depends("provider_type")
    def _compute_webhook_url(self):
        for provider in self:
            kind = {"whatsapp_cloud": "whatsapp", "twilio_voice": "twilio"}.get(
                provider.provider_type
            )
            provider.webhook_url = provider._webhook_url(kind) if kind and provider.id else False

    @api.constrains("provider_type", "channel")
    def _check_gateway_channel(self):
        """WhatsApp Cloud sends WhatsApp messages and Twilio Voice places calls:
        pointing a gateway at the other channel would send nothing anyone can read."""
        for provider in self:
            channel = GATEWAY_CHANNELS.get(provider.provider_type)
            if channel and provider.channel != channel:
                raise ValidationError(
                    self.env._(
                        "%(provider)s: this backend only serves the %(channel)s channel.",
                        provider=provider.name,
                        channel=dict(self._fields["channel"].selection)[channel],
                    )
                )

    def _for_channel(self, company, channel):
        """The provider serving ``channel`` for ``company`` (may be empty): the
        company's own gateway before one shared by all companies, so each company
        sends through its own WhatsApp number or Twilio account."""
        providers = self.search(
            [("channel", "=", channel), ("company_id", "in", [company.id, False])]
        )
        return (providers.filtered(lambda p: p.company_id == company) or providers)[:1]

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
        try:
            ticket._collection_check_contact(self.channel, self.env._("The message"))
        except UserError as refusal:
            return "skipped", str(refusal), None
        try:
            ref = getattr(self, f"_send_text_{self.provider_type}")(ticket, number, text, reference)
        except ChannelDeliveryError as err:
            self._circuit_record(err)
            return "failed", self._safe_reason(err), None
        self._circuit_record()
        return "sent", None, ref

    @api.model
    def _send_case_whatsapp(self, case, text, reference):
        """Rule: a one-off WhatsApp message about a case (a legal notice, a
        recovery notification) goes to the customer's phone, as E.164, through
        the WhatsApp provider of the case's company, with ``_send_text``'s
        failure handling (circuit, contact rules, gateway errors) for all.

        :return: (state, reason, number): ``no_number`` without a valid phone
            number, ``no_provider`` when the company has no WhatsApp provider,
            else what ``_send_text`` says (``manual`` for a by-hand provider).
        """
        number = case.partner_id._phone_format(fname="phone")
        if not number:
            return "no_number", self.env._("no valid phone number"), number
        provider = self.sudo()._for_channel(case.company_id, "whatsapp")
        if not provider:
            return "no_provider", self.env._("no WhatsApp provider"), number
        state, reason, _ref = provider._send_text(case, number, text, reference)
        return state, reason, number

    def _safe_reason(self, error):
        """Issue 10: the text of a delivery error as agents may read it (the reminder's
        ``reason``, the chatter): without the gateway's URL or token."""
        provider = self.sudo()
        return redact(error, provider.url, provider.api_base_url, provider.token)

    # ------------------------------------------------------------------
    # Delivering reminders, one claim at a time
    # ------------------------------------------------------------------

    def _deliver_each(self, reminders, send_one):
        """Claim one, save the claim, call, note the answer, then the next: a
        crash, a rerun or a second worker never sends a reminder twice (at most
        the one in flight is left ``sending``, to be settled, never resent
        blindly), and those not reached yet stay queued for the next run. The
        gateway gets the same idempotency key for the same case and step.

        Each answer is saved with the next claim, so one commit per message:
        every answer is saved before the next gateway call, the last one when
        the loop ends.

        ``send_one(reminder)`` makes one call and returns the gateway's reference
        of the message, or raises ChannelDeliveryError. It reads what it sends
        from values prepared before the loop: each commit empties the ORM's
        cache, and a field read afterwards would read it again for the whole
        batch, once per message.
        """
        Run = self.env["collection.run"]
        for reminder in reminders:
            if self._circuit_open():
                reminder.write({"reason": self._circuit_reason()})
                continue
            if not reminder._claim(self):
                continue  # another sender has it, or it was settled meanwhile
            # The claim (and the previous answer) saved before the outside call.
            Run._checkpoint()
            try:
                ref = send_one(reminder)
            except ChannelDeliveryError as err:
                reminder._record_failure(err, self)
                self._circuit_record(err)
                if self._circuit_open():
                    # this failure opened the circuit: the retry waits for it to close
                    reminder.write({"next_attempt_date": self.circuit_open_until})
            else:
                reminder._record_results({reminder.id: ("sent", None, ref)}, self)
                self._circuit_record()
        # An outside call cannot be rolled back: the last answer saved (in the cron).
        Run._checkpoint()

    # ------------------------------------------------------------------
    # Webhooks
    # ------------------------------------------------------------------

    def _webhook_url(self, kind, **query):
        """The public URL of this provider's webhook (``kind``: whatsapp or
        twilio), from ``web.base.url``; ``query`` (e.g. the reminder) is part of
        what Twilio signs."""
        self.ensure_one()
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        url = f"{base.rstrip('/')}/collections/webhook/{kind}/{self.id}"
        return f"{url}?{urlencode(query)}" if query else url
