from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Per company (jsonb by company, read for the current one): a customer is an
    # NPA for the company whose notice went unanswered, not for every company.
    is_npa = fields.Boolean(
        string="Non-Performing Asset",
        company_dependent=True,
        readonly=True,
        tracking=True,
        help="A legal notice went unanswered: no payment and no contact within its window.",
    )
    npa_date = fields.Date(string="NPA Since", company_dependent=True, readonly=True)
