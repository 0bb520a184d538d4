from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    purifier_id = fields.Char(
        string="Purifier ID",
        index="btree_not_null",
        copy=False,
        help="Device this invoice is for. A customer with several devices gets one "
        "collection case per device.",
    )
    # Issue 12 (solar policy): the marker of a downpayment (prepayment, upfront
    # payment) invoice, set by whoever invoices it; 30 days past due on one asks
    # for a recovery decision (collection.ticket.recovery).
    is_downpayment = fields.Boolean(
        string="Downpayment",
        copy=False,
        help="This invoice is a downpayment (prepayment, upfront payment): 30 days "
        "past due on it asks for a recovery decision.",
    )

    @api.model
    def _collection_overdue_domain(self, today=None):
        """What Collections calls overdue: a posted customer invoice with something left to pay
        after its due date (``today`` by default, in the user's time zone).

        Written once here: the daily run, the case's open invoices and the customer's overdue
        amount all read it, so a credit note or a partial payment counts the same everywhere.
        """
        today = today or fields.Date.context_today(self)
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<", today),
        ]

    @api.model
    def _collection_post_invoice(self, ticket, label, amount, **extra):
        """Rule: what a collection case bills on its own (penal charges, a service pause
        fee) is one posted customer invoice with one untaxed line of ``amount``, to the
        case's commercial partner, in the case's company, with the case's number as its
        origin. Posted with sudo (agents bill without accounting rights): callers checked
        who may act on the case."""
        invoice = self.sudo().create(
            {
                "move_type": "out_invoice",
                "partner_id": ticket.partner_id.commercial_partner_id.id,
                "company_id": ticket.company_id.id,
                "invoice_origin": ticket.number,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": label,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
                **extra,
            }
        )
        invoice.action_post()
        return invoice

    @api.model
    def _collection_post_pause_fee(self, ticket):
        """Out of station: the service pause fee set in the Collections settings,
        invoiced to the customer of ``ticket``."""
        fee = ticket.company_id.collection_pause_fee
        if fee <= 0:
            raise UserError(self.env._("Set the service pause fee in the Collections settings."))
        return self._collection_post_invoice(ticket, self.env._("Service pause fee"), fee)

    def _collection_payment_links(self):
        """Odoo's own payment link (account_payment) for each invoice: {invoice: url}."""
        Wizard = self.env["payment.link.wizard"].sudo()
        links = {}
        for invoice in self:
            wizard = Wizard.with_context(active_model="account.move", active_id=invoice.id).create(
                {
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "amount": invoice.amount_residual,
                    "amount_max": invoice.amount_residual,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": invoice.partner_id.id,
                }
            )
            links[invoice] = wizard.link
        return links

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.env["helpdesk.ticket"]._collection_clean_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self.env["helpdesk.ticket"]._collection_clean_vals(vals)
        return super().write(vals)
