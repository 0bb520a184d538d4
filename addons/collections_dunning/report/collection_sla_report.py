from odoo import fields, models, tools
from odoo.tools import SQL

from ..sla import SQL_NOW, sla_state_sql


class CollectionSlaReport(models.Model):
    """The 30-minute callback promise: kept or not, per month and team."""

    _name = "collection.sla.report"
    _description = "Collection Callback SLA"
    _auto = False
    _depends = {
        "helpdesk.ticket": ["callback_deadline", "first_contact_date", "team_id", "company_id"],
    }
    _order = "month desc"

    month = fields.Date(readonly=True)
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    callback_count = fields.Integer(string="Callbacks Promised", readonly=True)
    on_time_count = fields.Integer(string="On Time", readonly=True)
    late_count = fields.Integer(string="Late", readonly=True)
    pending_count = fields.Integer(string="Pending", readonly=True)
    compliance = fields.Float(string="Compliance (%)", readonly=True, aggregator="avg")

    def init(self):
        """The SLA rule of ``sla.py``, counted per month, team and company."""
        tools.drop_view_if_exists(self.env.cr, self._table)
        deadline, contact = SQL("t.callback_deadline"), SQL("t.first_contact_date")
        on_time = sla_state_sql("on_time", deadline, contact, SQL_NOW)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT MIN(t.id) AS id,
                           date_trunc('month', t.callback_deadline)::date AS month,
                           t.team_id, t.company_id,
                           COUNT(*) AS callback_count,
                           COUNT(*) FILTER (WHERE %(on_time)s) AS on_time_count,
                           COUNT(*) FILTER (WHERE %(late)s) AS late_count,
                           COUNT(*) FILTER (WHERE %(pending)s) AS pending_count,
                           ROUND(100.0 * COUNT(*) FILTER (WHERE %(on_time)s) / COUNT(*), 2)
                               AS compliance
                      FROM helpdesk_ticket t
                     WHERE t.callback_deadline IS NOT NULL
                     GROUP BY 2, 3, 4
                )
                """,
                table=SQL.identifier(self._table),
                on_time=on_time,
                late=sla_state_sql("late", deadline, contact, SQL_NOW),
                pending=sla_state_sql("pending", deadline, contact, SQL_NOW),
            )
        )
