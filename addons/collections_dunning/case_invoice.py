"""Invoicing from a collection case: one rule, written once."""

from odoo import Command


def post_one_line_invoice(case, label, amount, invoice_date=None):
    """Rule: what a collection case bills on its own (penal charges, a service
    pause fee) is one posted customer invoice with one untaxed line of
    ``amount``, to the case's commercial partner, in the case's company, with
    the case's number as its origin. ``invoice_date`` defaults to the posting
    date. Created as superuser: agents bill without accounting rights.

    :return: the posted ``account.move``.
    """
    case.ensure_one()
    vals = {
        "move_type": "out_invoice",
        "partner_id": case.partner_id.commercial_partner_id.id,
        "company_id": case.company_id.id,
        "invoice_origin": case.number,
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
    }
    if invoice_date:
        vals["invoice_date"] = invoice_date
    move = case.env["account.move"].sudo().create(vals)
    move.action_post()
    return move
