from odoo import fields, models

from .collection_partner_bureau import BUREAU_STATUSES


class CollectionBureauExportLine(models.Model):
    _name = "collection.bureau.export.line"
    _description = "Credit Bureau Export Line"
    _order = "export_id, partner_id"

    export_id = fields.Many2one(
        comodel_name="collection.bureau.export", required=True, ondelete="cascade", index=True
    )
    period = fields.Date(related="export_id.period", store=True)
    is_correction = fields.Boolean(related="export_id.is_correction", store=True)
    company_id = fields.Many2one(related="export_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer", required=True)
    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", string="Case")
    dpd = fields.Integer(string="Days Past Due")
    amount_overdue = fields.Monetary(currency_field="currency_id")
    oldest_due_date = fields.Date()
    bureau_status = fields.Selection(
        selection=BUREAU_STATUSES,
        string="Account Status",
        help="The customer's credit bureau status when the export was made.",
    )

    _reported_once = models.UniqueIndex(
        "(company_id, period, partner_id) WHERE NOT is_correction",
        "This account was already reported for this period: send a correction instead.",
    )
