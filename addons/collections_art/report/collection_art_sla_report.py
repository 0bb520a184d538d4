from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.collections_dunning.sla import SQL_NOW, sla_done_sql, sla_state_sql


class CollectionArtSlaReport(models.Model):
    """The Asset Recovery deadlines kept or missed: 24 h validation and
    notification, first visit within 24-48 h of validation."""

    _name = "collection.art.sla.report"
    _description = "Asset Recovery SLA"
    _auto = False
    _order = "month desc"
    _depends = {
        "helpdesk.ticket": [
            "is_art_case",
            "art_received_date",
            "art_validation_deadline",
            "art_validated_date",
            "art_notified_date",
            "art_visit_deadline",
            "art_first_visit_date",
            "team_id",
            "company_id",
        ],
    }

    month = fields.Date(readonly=True)
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    case_count = fields.Integer(string="Cases Received", readonly=True)
    validation_on_time = fields.Integer(string="Validated in Time", readonly=True)
    validation_late = fields.Integer(string="Validated Late", readonly=True)
    visit_on_time = fields.Integer(string="Visited in Time", readonly=True)
    visit_late = fields.Integer(string="Visited Late", readonly=True)
    validation_compliance = fields.Float(
        string="Validation Compliance (%)", readonly=True, aggregator="avg"
    )
    visit_compliance = fields.Float(string="Visit Compliance (%)", readonly=True, aggregator="avg")

    def init(self):
        """The SLA rule of collections_dunning's ``sla.py``, counted per month,
        team and company for the validation and the first visit."""
        tools.drop_view_if_exists(self.env.cr, self._table)
        validation = (
            SQL("t.art_validation_deadline"),
            sla_done_sql(SQL("t.art_validated_date"), SQL("t.art_notified_date")),
            SQL_NOW,
        )
        visit = (SQL("t.art_visit_deadline"), SQL("t.art_first_visit_date"), SQL_NOW)
        validated_in_time = sla_state_sql("on_time", *validation)
        validated_late = sla_state_sql("late", *validation)
        visited_in_time = sla_state_sql("on_time", *visit)
        visited_late = sla_state_sql("late", *visit)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT MIN(t.id) AS id,
                           date_trunc('month', t.art_received_date)::date AS month,
                           t.team_id, t.company_id,
                           COUNT(*) AS case_count,
                           COUNT(*) FILTER (WHERE %(v_ok)s) AS validation_on_time,
                           COUNT(*) FILTER (WHERE %(v_late)s) AS validation_late,
                           COUNT(*) FILTER (WHERE %(w_ok)s) AS visit_on_time,
                           COUNT(*) FILTER (WHERE %(w_late)s) AS visit_late,
                           ROUND(100.0 * COUNT(*) FILTER (WHERE %(v_ok)s) / COUNT(*), 2)
                               AS validation_compliance,
                           ROUND(100.0 * COUNT(*) FILTER (WHERE %(w_ok)s)
                                 / NULLIF(COUNT(*) FILTER (
                                       WHERE t.art_visit_deadline IS NOT NULL), 0),
                                 2) AS visit_compliance
                      FROM helpdesk_ticket t
                     WHERE t.is_art_case AND t.art_received_date IS NOT NULL
                     GROUP BY 2, 3, 4
                )
                """,
                table=SQL.identifier(self._table),
                v_ok=validated_in_time,
                v_late=validated_late,
                w_ok=visited_in_time,
                w_late=visited_late,
            )
        )
