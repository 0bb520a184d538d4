from odoo import fields, models


class CollectionRollRateLine(models.TransientModel):
    _name = "collection.roll.rate.line"
    _description = "Roll Rate"
    _order = "bucket_from, bucket_to"

    wizard_id = fields.Many2one(comodel_name="collection.roll.rate.wizard", ondelete="cascade")
    bucket_from = fields.Char(string="From")
    bucket_to = fields.Char(string="To")
    count = fields.Integer(string="Cases")
    amount = fields.Float(string="Amount on First Day")
    rate = fields.Float(string="Rate (%)", digits=(5, 1))
