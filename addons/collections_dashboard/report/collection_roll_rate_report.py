from odoo import fields, models, tools
from odoo.tools import SQL

ROLL_DAYS = 30


class CollectionRollRateReport(models.Model):
    """Where the cases of each bucket stood 30 days later, read from the daily
    snapshots: the roll rates of the dashboard, over any period.

    A case missing 30 days on was closed in between: it rolled to Paid, as in
    ``collection.snapshot._roll_rates``. Days less than 30 days before the last
    snapshot are left out, since their outcome is not known yet."""

    _name = "collection.roll.rate.report"
    _description = "Collection Roll Rates (30 days)"
    _auto = False
    _depends = {
        "collection.snapshot": [
            "date",
            "ticket_id",
            "company_id",
            "team_id",
            "bucket",
            "amount_overdue",
        ],
    }
    _order = "date desc"

    date = fields.Date(string="From Day", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    bucket_from = fields.Char(string="From Bucket", readonly=True)
    bucket_to = fields.Char(string="To Bucket", readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True)
    amount_overdue = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Overdue on the first day."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT ROW_NUMBER() OVER () AS id, a.date, a.company_id, a.team_id,
                           a.bucket AS bucket_from,
                           COALESCE(b.bucket, 'Paid') AS bucket_to,
                           COUNT(*) AS case_count,
                           SUM(a.amount_overdue) AS amount_overdue
                      FROM collection_snapshot a
                 LEFT JOIN collection_snapshot b
                        ON b.ticket_id = a.ticket_id AND b.date = a.date + %(days)s
                     WHERE a.bucket != 'Paid'
                       AND a.date + %(days)s <= (SELECT MAX(date) FROM collection_snapshot)
                     GROUP BY a.date, a.company_id, a.team_id, a.bucket,
                              COALESCE(b.bucket, 'Paid')
                )
                """,
                table=SQL.identifier(self._table),
                days=ROLL_DAYS,
            )
        )
