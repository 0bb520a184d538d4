from odoo import fields, models, tools
from odoo.tools import SQL


class CollectionEfficiencyReport(models.Model):
    """Collected against due, per month the invoices fell due."""

    _name = "collection.efficiency.report"
    _description = "Collection Efficiency"
    _auto = False
    _depends = {
        "account.move": [
            "move_type",
            "state",
            "invoice_date_due",
            "company_id",
            "amount_total_signed",
            "amount_residual_signed",
        ],
    }
    _order = "month desc"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    amount_due = fields.Monetary(currency_field="currency_id", readonly=True)
    amount_collected = fields.Monetary(currency_field="currency_id", readonly=True)
    amount_open = fields.Monetary(string="Still Due", currency_field="currency_id", readonly=True)
    efficiency = fields.Float(string="Efficiency (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT MIN(m.id) AS id,
                           date_trunc('month', m.invoice_date_due)::date AS month,
                           m.company_id,
                           COUNT(*) AS invoice_count,
                           SUM(m.amount_total_signed) AS amount_due,
                           SUM(m.amount_total_signed - m.amount_residual_signed)
                               AS amount_collected,
                           SUM(m.amount_residual_signed) AS amount_open,
                           CASE WHEN SUM(m.amount_total_signed) = 0 THEN 0
                                ELSE ROUND(100 * SUM(m.amount_total_signed
                                                     - m.amount_residual_signed)
                                           / SUM(m.amount_total_signed), 2)
                           END AS efficiency
                      FROM account_move m
                     WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                       AND m.invoice_date_due IS NOT NULL
                     GROUP BY 2, 3
                )
                """,
                SQL.identifier(self._table),
            )
        )
