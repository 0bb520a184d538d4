from odoo import fields, models
from odoo.exceptions import UserError

# Context key a manager sets, with a reason, to send outside the contact rules.
OVERRIDE_KEY = "collection_override_reason"
# Server-side marker (an object, which no RPC client can send) for answers the
# customer asked for on a live channel, e.g. "press 1 for a payment link".
CUSTOMER_REQUEST_KEY = "collection_customer_request"
CUSTOMER_REQUEST = object()


class CollectionContactGuard(models.AbstractModel):
    """One contact guard for every outbound path of a collection case: mixed
    into helpdesk.ticket, whose ``message_post`` calls it."""

    _name = "collection.contact.guard"
    _description = "Collection Contact Guard"

    def _collection_check_contact(self, channel, what):
        """Issue 9: whatever reaches the customer from a collection case (links,
        notices, documents, messages from the composer, notifications) follows
        the contact rules of the case's company, as reminders do: quiet hours in
        the customer's time zone, attempt caps and the customer's opt-outs.

        A collections manager may send anyway with a reason (context key
        ``collection_override_reason``); the case's chatter records who, why and
        which rule was set aside. Anyone else gets a clear refusal and nothing
        is sent.
        """
        if self.env.context.get(CUSTOMER_REQUEST_KEY) is CUSTOMER_REQUEST:
            return
        now = fields.Datetime.now()
        override = (self.env.context.get(OVERRIDE_KEY) or "").strip()
        is_manager = self.env.user.has_group("collections_dunning.group_collection_manager")
        for ticket in self.filtered("is_collection_ticket"):
            partner = ticket.partner_id.commercial_partner_id
            if not partner:
                continue
            reason = partner._collection_contact_blocked(channel, now, ticket.company_id)
            if not reason:
                continue
            if override and is_manager:
                ticket.sudo()._message_log(
                    body=self.env._(
                        "%(what)s sent outside the contact rules (%(rule)s) by %(user)s: "
                        "%(reason)s",
                        what=what,
                        rule=reason,
                        user=self.env.user.name,
                        reason=override,
                    )
                )
                continue
            raise UserError(
                self.env._(
                    "%(what)s cannot be sent to %(customer)s now: %(rule)s. A collections "
                    "manager may send it anyway, giving a reason.",
                    what=what,
                    customer=partner.name,
                    rule=reason,
                )
            )

    def _collection_reaches_customer(self, post_values):
        """Whether a post (``message_post``'s arguments) notifies the case's
        customer or one of its contacts, rather than logging a note for the team:
        a comment goes to its recipients and to the ticket's followers."""
        self.ensure_one()
        if post_values.get("message_type", "notification") != "comment":
            return False
        note = self.env.ref("mail.mt_note")
        subtype_id = post_values.get("subtype_id")
        subtype_xmlid = post_values.get("subtype_xmlid")
        if (subtype_xmlid in (None, "mail.mt_note") and not subtype_id) or subtype_id == note.id:
            return False
        partner = self.partner_id.commercial_partner_id
        if not partner:
            return False
        author = self.env["res.partner"].browse(post_values.get("author_id") or [])
        if author and author.commercial_partner_id == partner:
            return False  # the customer's own message (a reply, an inbound WhatsApp)
        recipients = self.env["res.partner"].browse(post_values.get("partner_ids") or [])
        recipients |= self.sudo().message_partner_ids
        return partner in recipients.commercial_partner_id
