from odoo import fields, models, tools
from odoo.tools import SQL

AGING_BUCKETS = [
    ("current", "Not Yet Due"),
    ("1_30", "1-30"),
    ("31_60", "31-60"),
    ("61_90", "61-90"),
    ("90_plus", "90+"),
]


class CollectionAgingReport(models.Model):
    """The open cases in the usual aging columns (1-30, 31-60, 61-90, 90+ days past
    due), beside the policy level each one is in.

    Read from the figures the daily run writes on the case (days past due, overdue
    amount), so the columns always agree with the cases' Kanban and levels."""

    _name = "collection.aging.report"
    _description = "Collection Aging"
    _auto = False
    _depends = {
        "helpdesk.ticket": [
            "collection_case",
            "stage_id",
            "partner_id",
            "company_id",
            "team_id",
            "user_id",
            "collection_policy_id",
            "collection_level_id",
            "collection_dpd",
            "amount_overdue",
        ],
        "helpdesk.ticket.stage": ["closed"],
    }
    _order = "dpd desc"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", string="Case", readonly=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Agent", readonly=True)
    policy_id = fields.Many2one(comodel_name="collection.policy", readonly=True)
    level_id = fields.Many2one(comodel_name="collection.policy.level", readonly=True)
    dpd = fields.Integer(string="Days Past Due", readonly=True, aggregator="max")
    aging_bucket = fields.Selection(selection=AGING_BUCKETS, string="Aging", readonly=True)
    amount_overdue = fields.Monetary(currency_field="currency_id", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT t.id, t.id AS ticket_id, t.partner_id, t.company_id, t.team_id,
                           t.user_id, t.collection_policy_id AS policy_id,
                           t.collection_level_id AS level_id,
                           COALESCE(t.collection_dpd, 0) AS dpd,
                           %s AS aging_bucket,
                           COALESCE(t.amount_overdue, 0) AS amount_overdue
                      FROM helpdesk_ticket t
                      JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                     WHERE t.collection_case AND NOT COALESCE(s.closed, FALSE)
                )
                """,
                SQL.identifier(self._table),
                self._aging_bucket_sql(SQL("t.collection_dpd")),
            )
        )

    def _aging_bucket_sql(self, dpd):
        """The aging rule: the usual 30-day columns, on the days past due of the
        case's oldest overdue invoice; 90 days and over in one column."""
        return SQL(
            """CASE WHEN COALESCE(%(dpd)s, 0) <= 0 THEN 'current'
                    WHEN %(dpd)s <= 30 THEN '1_30'
                    WHEN %(dpd)s <= 60 THEN '31_60'
                    WHEN %(dpd)s <= 90 THEN '61_90'
                    ELSE '90_plus' END""",
            dpd=dpd,
        )
