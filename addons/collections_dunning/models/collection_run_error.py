from odoo import fields, models


class CollectionRunError(models.Model):
    """A customer the daily run skipped because their data failed, with why."""

    _name = "collection.run.error"
    _description = "Collection Run: Skipped Customer"
    _order = "id"

    run_id = fields.Many2one(
        comodel_name="collection.run.log", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(related="run_id.date", store=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True, index=True)
    message = fields.Text(readonly=True)
