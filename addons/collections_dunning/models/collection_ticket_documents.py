from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from .collection_contact_guard import CUSTOMER_REQUEST, CUSTOMER_REQUEST_KEY


class CollectionTicketDocuments(models.AbstractModel):
    """What an agent sends the customer from a case: documents (statement,
    notice of default) and payment links (overdue invoices, service pause fee).
    Every one of them passes the case-action check and the contact guard first."""

    _name = "collection.ticket.documents"
    _description = "Collection Case Documents and Links"

    def _collection_document_action(self, template_xmlid):
        """The mail composer with a collection document attached, for the agent to send."""
        self._collection_check_case_action()
        self.ensure_one()
        template = self.env.ref(template_xmlid)
        self._collection_check_contact("email", template.name)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    def _collection_open_invoices(self):
        """The invoices a payment link is for: the case's, or the customer's overdue ones.

        Read with sudo: callers checked who may act on the case first
        (``_collection_check_case_action``), and a support user of the team has
        no accounting access of their own.
        """
        self.ensure_one()
        ticket = self.sudo()
        if ticket.overdue_invoice_ids:
            return ticket.overdue_invoice_ids.filtered(lambda inv: inv.amount_residual > 0)
        return ticket.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                *ticket.env["account.move"]._collection_overdue_domain(),
            ]
        )

    def _collection_send_links(self, links, intro):
        """Post the payment links ({invoice: url}) to the customer, under ``intro``."""
        self.ensure_one()
        items = Markup("").join(
            Markup('<li><a href="%s">%s</a> · %s</li>')
            % (
                url,
                invoice.name,
                format_amount(self.env, invoice.amount_residual, invoice.currency_id),
            )
            for invoice, url in links.items()
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items),
            partner_ids=self.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _collection_send_payment_links(self):
        """Send the customer a payment link for each overdue invoice."""
        self._collection_check_case_action()
        self._collection_check_contact("email", self.env._("A payment link"))
        for ticket in self:
            invoices = ticket._collection_open_invoices()
            if not invoices:
                raise UserError(
                    self.env._("%s has nothing overdue to pay.", ticket.partner_id.name)
                )
            ticket._collection_send_links(
                invoices._collection_payment_links(),
                self.env._("You can pay your overdue invoices online:"),
            )
        return True

    def _collection_send_pause_links(self):
        """Out of station: invoice the configured service pause fee and send its link."""
        self._collection_check_case_action()
        self._collection_check_contact("email", self.env._("The pause fee link"))
        for ticket in self:
            invoice = self.env["account.move"]._collection_post_pause_fee(ticket)
            ticket._collection_send_links(
                invoice._collection_payment_links(),
                self.env._("Pay the service pause fee to pause your service:"),
            )
        return True

    def _ivr_send_payment_link(self):
        """Key 1 of the IVR menu: the customer asked for the payment link during
        the call, so it is sent (the agent's "Send payment link") while the case
        is open and something is overdue. Returns whether it was sent."""
        self.ensure_one()
        if self.stage_id.closed or not self._collection_open_invoices():
            return False
        # the customer asked for it on the call: an answer, not an unsolicited contact
        self.with_context(**{CUSTOMER_REQUEST_KEY: CUSTOMER_REQUEST}).action_send_payment_link()
        return True
