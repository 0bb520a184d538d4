from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_policy_id = fields.Many2one(
        comodel_name="collection.policy",
        domain="[('company_id', 'in', [current_company_id, False])]",
        help="Policy for this customer's overdue invoices; the company's default "
        "policy when empty. Set it on the company, not on its contacts.",
    )

    def _collection_overdue_amounts(self, company):
        """Overdue residual per commercial partner, in the company's currency.

        Set-based on purpose: the accounting already knows what is left to pay on
        each invoice (``amount_residual`` nets payments and credit notes), so one
        grouped query answers for any number of partners.
        """
        if not self:
            return {}
        # sudo: support agents need the figure without reading invoices.
        rows = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                domain=[
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("amount_residual", ">", 0),
                    ("invoice_date_due", "<", fields.Date.context_today(self)),
                ],
                groupby=["commercial_partner_id"],
                aggregates=["amount_residual_signed:sum"],
            )
        )
        return {partner.id: amount for partner, amount in rows}
