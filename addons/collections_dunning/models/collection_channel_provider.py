import hmac
import logging
from datetime import timedelta
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import twilio_voice, whatsapp_cloud
from ..bounds import check_bounds
from ..channel_client import ChannelDeliveryError, JsonChannelClient, check_gateway_url, redact

_logger = logging.getLogger(__name__)

# Which channel each gateway can serve.
GATEWAY_CHANNELS = {"whatsapp_cloud": "whatsapp", "twilio_voice": "ivr"}
# Status a gateway reports -> how far along a message is: reports only move forward.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3}


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
    whatsapp_phone_number_id = fields.Char(
        string="Phone Number ID", help="The WhatsApp business phone number's ID at Meta."
    )
    whatsapp_text_template = fields.Char(
        string="Template for Notices",
        help="Approved template with one body variable, used for messages outside the "
        "reminder steps (notices, notifications). Without it they are not sent.",
    )
    whatsapp_text_template_lang = fields.Char(string="Notice Template Language", default="en")
    app_secret = fields.Char(
        groups="base.group_system", help="Meta app secret: checks the webhooks' signature."
    )
    verify_token = fields.Char(
        groups="base.group_system",
        help="Any secret string, entered in Meta's webhook settings too.",
    )
    twilio_account_sid = fields.Char(string="Account SID")
    twilio_from_number = fields.Char(
        string="From Number", help="The Twilio number calls come from, in E.164 (+1…)."
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
    circuit_threshold = fields.Integer(
        string="Failures Before Pausing",
        default=5,
        help="Consecutive time-outs or server errors after which the gateway is no "
        "longer called until the cool-down is over.",
    )
    circuit_cooldown = fields.Integer(
        string="Pause (minutes)",
        default=15,
        help="How long the gateway is left alone once it kept failing.",
    )
    consecutive_failures = fields.Integer(readonly=True)
    circuit_open_until = fields.Datetime(
        string="Paused Until", readonly=True, help="Set while the gateway is left alone."
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

    def _safe_reason(self, error):
        """Issue 10: the text of a delivery error as agents may read it (the reminder's
        ``reason``, the chatter): without the gateway's URL or token."""
        provider = self.sudo()
        return redact(error, provider.url, provider.api_base_url, provider.token)

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

    def _send_text_whatsapp_cloud(self, ticket, number, text, reference):
        """Outside the customer's 24-hour window WhatsApp only takes templates: a
        one-off text goes as the single variable of the provider's notice template."""
        if not self.whatsapp_text_template:
            raise ChannelDeliveryError(
                self.env._("set the template for notices on the channel provider %s", self.name)
            )
        return self._whatsapp_client().send_template(
            number, self.whatsapp_text_template, self.whatsapp_text_template_lang, [text], reference
        )

    def _send_text_twilio_voice(self, ticket, number, text, reference):
        return self._twilio_client().create_call(
            number, self.twilio_from_number, twilio_voice.say_twiml(text)
        )

    def _client(self):
        self.ensure_one()
        return JsonChannelClient(self.sudo().url, token=self.sudo().token, timeout=self.timeout)

    def _deliver_each(self, reminders, send_one):
        """Claim one, save the claim, call, save the answer, then the next: a
        crash, a rerun or a second worker never sends a reminder twice (at most
        the one in flight is left ``sending``, to be settled, never resent
        blindly), and those not reached yet stay queued for the next run. The
        gateway gets the same idempotency key for the same case and step.

        ``send_one(reminder)`` makes one call and returns the gateway's reference
        of the message, or raises ChannelDeliveryError.
        """
        Run = self.env["collection.run"]
        for reminder in reminders:
            if self._circuit_open():
                reminder.write({"reason": self._circuit_reason()})
                continue
            if not reminder._claim(self):
                continue  # another sender has it, or it was settled meanwhile
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
            # An outside call cannot be rolled back: save each answer (in the cron).
            Run._checkpoint()

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

    # ------------------------------------------------------------------
    # WhatsApp Business Cloud API
    # ------------------------------------------------------------------

    def _whatsapp_client(self):
        self.ensure_one()
        return whatsapp_cloud.WhatsAppCloudClient(
            self.api_base_url,
            self.whatsapp_phone_number_id,
            self.sudo().token,
            timeout=self.timeout,
        )

    def _deliver_whatsapp_cloud(self, reminders, messages):
        """Each reminder goes as its step's approved template, the parameters
        rendered on the case; the idempotency key rides in
        ``biz_opaque_callback_data``."""
        ready = reminders._fail_without_whatsapp_template()
        parameters = ready._whatsapp_parameters()
        ready = ready.filtered(lambda r: r.id in parameters)
        if not ready:
            return
        client = self._whatsapp_client()

        def send_one(reminder):
            step = reminder.step_id
            return client.send_template(
                reminder.recipient,
                step.whatsapp_template_name,
                step.whatsapp_template_lang,
                parameters[reminder.id],
                reminder._idempotency_key(),
            )

        self._deliver_each(ready, send_one)

    def _whatsapp_verify_subscription(self, mode, token, challenge):
        """Meta's endpoint check: the challenge echoed when the verify token
        matches, else None."""
        self.ensure_one()
        secret = self.sudo().verify_token
        if mode == "subscribe" and secret and token and challenge:
            if hmac.compare_digest(secret.encode(), token.encode()):
                return challenge
        return None

    def _whatsapp_signature_ok(self, raw_body, header):
        self.ensure_one()
        return whatsapp_cloud.signature_is_valid(self.sudo().app_secret, raw_body, header)

    def _whatsapp_process_webhook(self, payload):
        """Apply a signed webhook: message statuses move reminders, customers'
        messages land on their cases."""
        self.ensure_one()
        for value in whatsapp_cloud.webhook_changes(payload):
            reports = {}
            for status in value.get("statuses") or []:
                state = status.get("status")
                if status.get("id") and state in (*STATUS_RANK, "failed"):
                    reports[status["id"]] = (state, self._whatsapp_failure_reason(status))
            if reports:
                self.env["collection.reminder"]._apply_status_reports(self, reports)
            for message in value.get("messages") or []:
                self._whatsapp_receive(message)

    def _whatsapp_failure_reason(self, status):
        if status.get("status") != "failed":
            return None
        errors = status.get("errors") or [{}]
        title = errors[0].get("title") or errors[0].get("message")
        return self.env._(
            "WhatsApp could not deliver the message (code %(code)s): %(title)s",
            code=errors[0].get("code"),
            title=title or self.env._("no reason given"),
        )

    def _whatsapp_receive(self, message):
        """A customer's message lands in the chatter of their open collection
        case, posted as from the customer; Meta's retries post it once."""
        wamid = message.get("id")
        message_id = f"<{wamid}@whatsapp.collections>"
        if not wamid or self.env["mail.message"].search_count(
            [("message_id", "=", message_id)], limit=1
        ):
            return
        case, partner = self._whatsapp_case_of(message)
        if not case:
            _logger.info("WhatsApp message %s matches no open collection case", wamid)
            return
        case.message_post(
            body=whatsapp_cloud.message_text(message),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            message_id=message_id,
        )

    def _whatsapp_case_of(self, message):
        """The open case a customer's message is about: the case of the reminder
        it replies to, else the newest open case of the customer whose phone is
        the sender's number (normalised, in the provider's company)."""
        Ticket = self.env["helpdesk.ticket"]
        replied_to = (message.get("context") or {}).get("id")
        if replied_to:
            reminder = self.env["collection.reminder"].search(
                [("external_ref", "=", replied_to), ("provider_id", "=", self.id)], limit=1
            )
            if reminder and not reminder.ticket_id.stage_id.closed:
                return reminder.ticket_id, reminder.ticket_id.partner_id
        number = "+" + whatsapp_cloud.wa_number(message.get("from"))
        company_domain = [("company_id", "in", [self.company_id.id, False])]
        partners = self.env["res.partner"].search(
            [("phone_sanitized", "=", number), *(company_domain if self.company_id else [])]
        )
        if not partners:
            return Ticket, partners
        case_domain = [
            ("collection_case", "=", True),
            ("commercial_partner_id", "in", partners.commercial_partner_id.ids),
            ("stage_id.closed", "=", False),
        ]
        if self.company_id:
            case_domain.append(("company_id", "=", self.company_id.id))
        case = Ticket.search(case_domain, order="id desc", limit=1)
        author = partners.filtered(lambda p: p in case.partner_id) or partners[:1]
        return case, author[:1]

    # ------------------------------------------------------------------
    # Twilio Programmable Voice
    # ------------------------------------------------------------------

    def _twilio_client(self):
        self.ensure_one()
        return twilio_voice.TwilioVoiceClient(
            self.api_base_url, self.twilio_account_sid, self.sudo().token, timeout=self.timeout
        )

    def _ivr_menu_text(self):
        return self.env._("Press 1 to get a payment link, press 2 to speak to an agent.")

    def _deliver_twilio_voice(self, reminders, messages):
        """One call per reminder: the text read out, then the one-key menu; the
        key presses and the call's end come back to the Twilio webhook."""
        client = self._twilio_client()

        def send_one(reminder):
            url = self._webhook_url("twilio", reminder=reminder.id)
            twiml = twilio_voice.reminder_twiml(messages[reminder.id], url, self._ivr_menu_text())
            return client.create_call(
                reminder.recipient, self.twilio_from_number, twiml, status_callback=url
            )

        self._deliver_each(reminders, send_one)

    def _twilio_signature_ok(self, urls, params, signature):
        self.ensure_one()
        return twilio_voice.signature_is_valid(self.sudo().token, urls, params, signature)

    def _twilio_call_status(self, call_sid, call_status):
        """The end of a call: completed is delivered, busy / no answer / failed /
        canceled is failed with that status as the reason."""
        state = twilio_voice.CALL_STATES.get(call_status)
        if not call_sid or not state:
            return
        reason = (
            self.env._("The call ended without an answer: %s.", call_status)
            if state == "failed"
            else None
        )
        self.env["collection.reminder"]._apply_status_reports(self, {call_sid: (state, reason)})

    def _twilio_key_pressed(self, reminder, digits):
        """What the customer's key does: 1 sends the case's payment link, 2 asks
        the case's agent to call back; anything else hears the menu again.
        Returns the TwiML to play."""
        self.ensure_one()
        case = reminder.ticket_id
        action_url = self._webhook_url("twilio", reminder=reminder.id)
        if digits == "1" and case._ivr_send_payment_link():
            return twilio_voice.say_twiml(
                self.env._("We have sent you a payment link. Thank you, goodbye.")
            )
        if digits == "1":
            return twilio_voice.say_twiml(
                self.env._("There is nothing to pay on this account. Goodbye.")
            )
        if digits == "2":
            case._ivr_request_callback()
            return twilio_voice.say_twiml(
                self.env._("An agent will call you back shortly. Goodbye.")
            )
        return twilio_voice.say_twiml(
            self.env._("Sorry, that is not an option."), action_url, self._ivr_menu_text()
        )

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
