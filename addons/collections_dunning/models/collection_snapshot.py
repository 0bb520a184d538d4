from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CollectionSnapshot(models.Model):
    """Where each case stood on a day, written by the daily run: the history that
    roll rates and aging trends are read from."""

    _name = "collection.snapshot"
    _description = "Collection Daily Snapshot"
    _order = "date desc, id desc"
    # A row per open case and day, written by the run: its day is its date, its
    # author the run. Without Odoo's create/write user and date columns, each row
    # is checked against two foreign keys less and is four columns narrower
    # (issue 13; the day's 55,000 rows of the 100,000-invoice bench: 2.4 s -> 1.9 s
    # for the INSERTs, by a per-statement timer on copies of one database).
    _log_access = False

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
                       team_id, user_id, level_id, bucket, dpd, amount_overdue)
                SELECT %(day)s, t.id, t.partner_id, t.company_id, t.team_id, t.user_id,
                       t.collection_level_id,
                       CASE WHEN s.closed THEN 'Paid' ELSE l.code END,
                       CASE WHEN s.closed THEN 0 ELSE t.collection_dpd END,
                       CASE WHEN s.closed THEN 0 ELSE t.amount_overdue END
                  FROM helpdesk_ticket t
                  JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                  LEFT JOIN collection_policy_level l ON l.id = t.collection_level_id
                 WHERE t.id = ANY(%(ids)s) AND t.collection_case
                ON CONFLICT (date, ticket_id) DO UPDATE
                   SET level_id = EXCLUDED.level_id, bucket = EXCLUDED.bucket,
                       dpd = EXCLUDED.dpd, amount_overdue = EXCLUDED.amount_overdue,
                       team_id = EXCLUDED.team_id, user_id = EXCLUDED.user_id
                """,
                day=day,
                ids=tickets.ids,
            )
        )
        self.invalidate_model()

    @api.model
    def _backfill(self, days, tickets=None):
        """History for cases older than the daily run (a new installation, the demo).

        Each of the ``days`` before the first snapshot of a case (of ``tickets``,
        all collection cases by default) is rebuilt from its
        customer's invoices as the run would have seen them that day: an invoice is
        overdue on a day when it fell due before it and was not paid by then. The
        day after the last overdue one reads Paid, as on the run's closing day.
        Days already recorded are never touched.
        """
        if tickets is None:
            tickets = self.env["helpdesk.ticket"].search([("collection_case", "=", True)])
        tickets = tickets.filtered(lambda t: t.collection_case and t.collection_policy_id)
        if not tickets:
            return self
        first_days = dict(
            self._read_group([("ticket_id", "in", tickets.ids)], ["ticket_id"], ["date:min"])
        )
        today = fields.Date.context_today(self)
        invoices = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("commercial_partner_id", "in", tickets.partner_id.commercial_partner_id.ids),
            ]
        )
        vals_list = []
        for ticket in tickets:
            mine = invoices.filtered(
                lambda m, t=ticket: (
                    m.commercial_partner_id == t.partner_id.commercial_partner_id
                    and m.company_id == t.company_id
                )
            )
            paid_on = {invoice: self._paid_date(invoice) for invoice in mine}
            last = first_days.get(ticket, today + timedelta(days=1)) - timedelta(days=1)
            was_overdue = False
            for offset in range(days - 1, -1, -1):
                day = last - timedelta(days=offset)
                overdue = [
                    move
                    for move in mine
                    if move.invoice_date_due < day and (not paid_on[move] or paid_on[move] > day)
                ]
                if not overdue and not was_overdue:
                    continue
                was_overdue = bool(overdue)
                dpd = (day - min(m.invoice_date_due for m in overdue)).days if overdue else 0
                level = ticket.collection_policy_id._level_for_dpd(dpd) if overdue else False
                vals_list.append(
                    {
                        "date": day,
                        "ticket_id": ticket.id,
                        "partner_id": ticket.partner_id.id,
                        "company_id": ticket.company_id.id,
                        "team_id": ticket.team_id.id,
                        "user_id": ticket.user_id.id,
                        "level_id": level.id if level else False,
                        "bucket": level.code if level else "Paid",
                        "dpd": dpd,
                        "amount_overdue": sum(
                            m.amount_residual_signed if not paid_on[m] else m.amount_total_signed
                            for m in overdue
                        ),
                    }
                )
        return self.create(vals_list)

    @api.model
    def _paid_date(self, invoice):
        """The day an invoice was settled in full (its last reconciliation), or None
        while something is still due on it."""
        if invoice.payment_state not in ("paid", "in_payment"):
            return None
        partials = invoice.line_ids.matched_credit_ids
        return max(partials.mapped("max_date"), default=invoice.invoice_date_due)

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
