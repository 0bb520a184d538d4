from odoo import api, fields, models
from odoo.tools import SQL


class CollectionSnapshot(models.Model):
    """Where each case stood on a day, written by the daily run: the history that
    roll rates and aging trends are read from."""

    _name = "collection.snapshot"
    _description = "Collection Daily Snapshot"
    _order = "date desc, id desc"

    date = fields.Date(required=True, index=True)
    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", string="Case", index=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer")
    company_id = fields.Many2one(comodel_name="res.company", index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team")
    user_id = fields.Many2one(comodel_name="res.users", string="Agent")
    level_id = fields.Many2one(comodel_name="collection.policy.level")
    bucket = fields.Char(help="Level code, or Paid once nothing is overdue.")
    dpd = fields.Integer(string="Days Past Due", aggregator="max")
    amount_overdue = fields.Monetary(currency_field="currency_id")

    _date_ticket_uniq = models.Constraint(
        "UNIQUE(date, ticket_id)", "A case has one snapshot per day."
    )

    @api.model
    def _record(self, tickets, day):
        """Snapshot ``tickets`` on ``day`` in one statement; a rerun overwrites."""
        if not tickets:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO collection_snapshot (date, ticket_id, partner_id, company_id,
                       team_id, user_id, level_id, bucket, dpd, amount_overdue,
                       create_uid, write_uid, create_date, write_date)
                SELECT %(day)s, t.id, t.partner_id, t.company_id, t.team_id, t.user_id,
                       t.collection_level_id,
                       CASE WHEN s.closed THEN 'Paid' ELSE l.code END,
                       CASE WHEN s.closed THEN 0 ELSE t.collection_dpd END,
                       CASE WHEN s.closed THEN 0 ELSE t.amount_overdue END,
                       %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                  FROM helpdesk_ticket t
                  JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                  LEFT JOIN collection_policy_level l ON l.id = t.collection_level_id
                 WHERE t.id = ANY(%(ids)s) AND t.collection_case
                ON CONFLICT (date, ticket_id) DO UPDATE
                   SET level_id = EXCLUDED.level_id, bucket = EXCLUDED.bucket,
                       dpd = EXCLUDED.dpd, amount_overdue = EXCLUDED.amount_overdue,
                       team_id = EXCLUDED.team_id, user_id = EXCLUDED.user_id,
                       write_date = EXCLUDED.write_date
                """,
                day=day,
                uid=self.env.uid,
                ids=tickets.ids,
            )
        )
        self.invalidate_model()

    @api.model
    def _roll_rates(self, date_from, date_to, company=None):
        """Bucket migration between two days: (from, to, cases, amount on the first day).

        A case missing on the second day was closed in between: it rolled to Paid.
        """
        company_filter = SQL("AND a.company_id = %s", company.id) if company else SQL()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.bucket, COALESCE(b.bucket, 'Paid'), COUNT(*), SUM(a.amount_overdue)
                  FROM collection_snapshot a
             LEFT JOIN collection_snapshot b ON b.ticket_id = a.ticket_id AND b.date = %s
                 WHERE a.date = %s AND a.bucket != 'Paid' %s
                 GROUP BY 1, 2
                 ORDER BY 1, 2
                """,
                date_to,
                date_from,
                company_filter,
            )
        )
        rows = self.env.cr.fetchall()
        totals = {}
        for bucket_from, _to, count, _amount in rows:
            totals[bucket_from] = totals.get(bucket_from, 0) + count
        return [
            {
                "bucket_from": bucket_from,
                "bucket_to": bucket_to,
                "count": count,
                "amount": amount,
                "rate": count / totals[bucket_from],
            }
            for bucket_from, bucket_to, count, amount in rows
        ]
