from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_npa = fields.Boolean(
        string="Non-Performing Asset",
        readonly=True,
        tracking=True,
        help="A legal notice went unanswered: no payment and no contact within its window.",
    )
    npa_date = fields.Date(string="NPA Since", readonly=True)
