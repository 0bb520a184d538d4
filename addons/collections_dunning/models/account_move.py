from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    purifier_id = fields.Char(
        string="Purifier ID",
        index="btree_not_null",
        copy=False,
        help="Device this invoice is for. A customer with several devices gets one "
        "collection case per device.",
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.env["helpdesk.ticket"]._collection_clean_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self.env["helpdesk.ticket"]._collection_clean_vals(vals)
        return super().write(vals)
