from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectionAgency(models.Model):
    """An outside collection agency and its fees (e.g. 8 % success fee, or 30 %
    plus a fixed upfront amount)."""

    _name = "collection.agency"
    _description = "Collection Agency"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Contact")
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    service = fields.Char(help="e.g. Extrajudicial collection, Litigation.")
    success_fee_percent = fields.Float(string="Success Fee (%)", required=True)
    upfront_fee = fields.Monetary(currency_field="currency_id")
    placement_ids = fields.One2many(
        comodel_name="collection.agency.placement", inverse_name="agency_id", string="Placements"
    )
    collected_amount = fields.Monetary(
        currency_field="currency_id", compute="_compute_totals", string="Collected"
    )
    commission_amount = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_totals",
        string="Commission Due",
        help="Success fees on what was collected while accounts were placed, plus the upfront fee.",
    )

    @api.constrains("success_fee_percent", "upfront_fee")
    def _check_fees(self):
        """An agency's success fee is a share of what it collects (0 to 100 %), and
        its upfront fee is an amount the company pays, never a negative one."""
        for agency in self:
            if not 0 <= agency.success_fee_percent <= 100 or agency.upfront_fee < 0:
                raise ValidationError(
                    self.env._(
                        "The success fee of %s is a percentage from 0 to 100, and its "
                        "upfront fee cannot be negative.",
                        agency.name,
                    )
                )

    @api.depends("placement_ids.collected_amount", "upfront_fee", "success_fee_percent")
    def _compute_totals(self):
        for agency in self:
            agency.collected_amount = sum(agency.placement_ids.mapped("collected_amount"))
            agency.commission_amount = (
                sum(agency.placement_ids.mapped("commission_amount")) + agency.upfront_fee
            )
