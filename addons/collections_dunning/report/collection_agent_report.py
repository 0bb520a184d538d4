from odoo import fields, models, tools
from odoo.tools import SQL


class CollectionAgentReport(models.Model):
    """Per agent and month: contacts logged, promises taken and kept, collected."""

    _name = "collection.agent.report"
    _description = "Collection Agent Performance"
    _auto = False
    _depends = {
        "collection.interaction": ["date", "user_id", "company_id", "is_contact"],
        "collection.promise": [
            "start_date",
            "user_id",
            "company_id",
            "state",
            "amount",
            "paid_amount",
        ],
    }
    _order = "month desc"

    month = fields.Date(readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Agent", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    contact_count = fields.Integer(string="Contacts", readonly=True)
    reached_count = fields.Integer(string="Customers Reached", readonly=True)
    promise_count = fields.Integer(string="Promises", readonly=True)
    kept_count = fields.Integer(string="Promises Kept", readonly=True)
    broken_count = fields.Integer(string="Promises Broken", readonly=True)
    amount_promised = fields.Monetary(currency_field="currency_id", readonly=True)
    amount_collected = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Paid on the agent's promises."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT ROW_NUMBER() OVER () AS id, month, user_id, company_id,
                           SUM(contact_count) AS contact_count,
                           SUM(reached_count) AS reached_count,
                           SUM(promise_count) AS promise_count,
                           SUM(kept_count) AS kept_count,
                           SUM(broken_count) AS broken_count,
                           SUM(amount_promised) AS amount_promised,
                           SUM(amount_collected) AS amount_collected
                      FROM (
                        SELECT date_trunc('month', i.date)::date AS month, i.user_id,
                               i.company_id, 1 AS contact_count,
                               CASE WHEN i.is_contact THEN 1 ELSE 0 END AS reached_count,
                               0 AS promise_count, 0 AS kept_count, 0 AS broken_count,
                               0 AS amount_promised, 0 AS amount_collected
                          FROM collection_interaction i
                        UNION ALL
                        SELECT date_trunc('month', p.start_date)::date, p.user_id, p.company_id,
                               0, 0, 1,
                               CASE WHEN p.state = 'kept' THEN 1 ELSE 0 END,
                               CASE WHEN p.state = 'broken' THEN 1 ELSE 0 END,
                               p.amount, COALESCE(p.paid_amount, 0)
                          FROM collection_promise p
                      ) AS facts
                     GROUP BY month, user_id, company_id
                )
                """,
                SQL.identifier(self._table),
            )
        )
