import hmac
import logging

from odoo import fields, models

from .. import whatsapp_cloud
from ..channel_client import ChannelDeliveryError

_logger = logging.getLogger(__name__)

# Status a gateway reports -> how far along a message is: reports only move forward.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3}


class CollectionWhatsappGateway(models.AbstractModel):
    """The ``whatsapp_cloud`` backend of a channel provider: approved templates
    through Meta's WhatsApp Business Cloud API, and its signed webhook (message
    statuses, customers' replies). Mixed into ``collection.channel.provider``."""

    _name = "collection.whatsapp.gateway"
    _description = "WhatsApp Business Cloud Gateway"

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

    def _send_text_whatsapp_cloud(self, ticket, number, text, reference):
        """Outside the customer's 24-hour window WhatsApp only takes templates: a
        one-off text goes as the single variable of the provider's notice template."""
        if not self.whatsapp_text_template:
            raise ChannelDeliveryError(
                self.env._("set the template for notices on the channel provider %s", self.name)
            )
        with self._whatsapp_client() as client:
            return client.send_template(
                number,
                self.whatsapp_text_template,
                self.whatsapp_text_template_lang,
                [text],
                reference,
            )

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
        calls = {
            reminder.id: (
                reminder.recipient,
                reminder.step_id.whatsapp_template_name,
                reminder.step_id.whatsapp_template_lang,
                parameters[reminder.id],
                reminder._idempotency_key(),
            )
            for reminder in ready
        }
        with self._whatsapp_client() as client:  # one connection for the loop
            self._deliver_each(ready, lambda reminder: client.send_template(*calls[reminder.id]))

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
