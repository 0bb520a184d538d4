from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    purifier_id = fields.Char(
        string="Purifier ID",
        index="btree_not_null",
        copy=False,
        help="Device this invoice is for. A customer with several devices gets one "
        "collection case per device.",
    )
