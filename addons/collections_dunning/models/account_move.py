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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.env["helpdesk.ticket"]._collection_clean_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self.env["helpdesk.ticket"]._collection_clean_vals(vals)
        return super().write(vals)
