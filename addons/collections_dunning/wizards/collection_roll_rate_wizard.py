from odoo import Command, fields, models
from odoo.exceptions import UserError


class CollectionRollRateWizard(models.TransientModel):
    _name = "collection.roll.rate.wizard"
    _description = "Roll Rates Between Two Dates"

    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(comodel_name="res.company", default=lambda self: self.env.company)
    line_ids = fields.One2many(
        comodel_name="collection.roll.rate.line", inverse_name="wizard_id", readonly=True
    )

    def action_compute(self):
        self.ensure_one()
        if self.date_to <= self.date_from:
            raise UserError(self.env._("The second date must come after the first."))
        rows = self.env["collection.snapshot"]._roll_rates(
            self.date_from, self.date_to, self.company_id
        )
        self.line_ids = [Command.clear()] + [
            Command.create({**row, "rate": row["rate"] * 100}) for row in rows
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
