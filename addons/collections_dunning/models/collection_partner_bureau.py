from odoo import fields, models
from odoo.tools import SQL

# Issue 12: what the credit bureau is told about a customer.
BUREAU_STATUSES = [
    ("current", "Current"),
    ("overdue_30", "Overdue 1-30 days"),
    ("overdue_60", "Overdue 31-60 days"),
    ("overdue_90", "Overdue 61-90 days"),
    ("delinquent", "90+ Delinquent"),
    ("settled", "Settled"),
    ("written_off", "Written Off"),
]
# Set by a decision (a settlement, a write-off), never undone by the daily run.
FINAL_BUREAU_STATUSES = ("settled", "written_off")


class CollectionPartnerBureau(models.AbstractModel):
    """The customer as the credit bureau sees it: whether it is reported at all,
    and its status, kept by the daily run (``_collection_update_bureau_status``)
    and read by the monthly export. Mixed into ``res.partner``."""

    _name = "collection.partner.bureau"
    _description = "Collection Credit Bureau Status"

    collection_bureau_reportable = fields.Boolean(
        string="Reported to Credit Bureau",
        default=True,
        help="Leave unchecked for a customer the credit bureau is not told about "
        "(e.g. not a borrower): the monthly export leaves it out.",
    )
    collection_bureau_status = fields.Selection(
        selection=BUREAU_STATUSES,
        string="Credit Bureau Status",
        default="current",
        readonly=True,
        copy=False,
        index=True,
        help="Kept by the daily run from the days past due; settled and written off "
        "come from the decisions on the case.",
    )
    collection_bureau_status_date = fields.Date(
        string="Bureau Status Since", readonly=True, copy=False
    )

    def _collection_partner_owned_fields(self):
        """Rule: the bureau status follows the daily run and the decisions on the
        case (legal stage, settlement, write-off), never a hand edit: it is what
        the credit bureau is told."""
        how = self.env._(
            "the credit bureau status is kept by the daily run and the case's decisions"
        )
        return {
            **super()._collection_partner_owned_fields(),
            "collection_bureau_status": how,
            "collection_bureau_status_date": how,
        }

    def _collection_bureau_status_for(self, dpd, company):
        """Rule (lending flow, step 4, and bureau reporting): the bureau status of
        a customer ``dpd`` days past due: current, one of the three overdue buckets,
        or 90+ delinquent from the company's ``collection_delinquent_days``."""
        if dpd <= 0:
            return "current"
        if dpd >= company.collection_delinquent_days:
            return "delinquent"
        if dpd <= 30:
            return "overdue_30"
        return "overdue_60" if dpd <= 60 else "overdue_90"

    def _collection_update_bureau_status(self, dpd_by_partner, company, today):
        """Write the status of each customer {partner id: days past due} in one
        UPDATE, dated ``today`` where it changed; a settled or written-off
        customer keeps that status. Nothing is read first: the statement compares."""
        if not dpd_by_partner:
            return
        status_for = self._collection_bureau_status_for
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner AS p
                   SET collection_bureau_status = v.status,
                       collection_bureau_status_date = %(today)s
                  FROM unnest(%(ids)s::int4[], %(statuses)s::varchar[]) AS v(id, status)
                 WHERE p.id = v.id
                   AND p.collection_bureau_status IS DISTINCT FROM v.status
                   AND COALESCE(p.collection_bureau_status, 'current') NOT IN %(final)s
                """,
                today=today,
                ids=list(dpd_by_partner),
                statuses=[status_for(dpd, company) for dpd in dpd_by_partner.values()],
                final=FINAL_BUREAU_STATUSES,
            )
        )
        self.env["res.partner"].invalidate_model(
            ["collection_bureau_status", "collection_bureau_status_date"], flush=False
        )

    def _collection_set_bureau_status(self, status):
        """A decision (legal stage, settlement, write-off) sets the status at once;
        only another decision changes a settled or written-off customer's."""
        partners = self
        if status not in FINAL_BUREAU_STATUSES:
            partners = self.filtered(
                lambda p: p.collection_bureau_status not in FINAL_BUREAU_STATUSES
            )
        partners.sudo().write(
            {
                "collection_bureau_status": status,
                "collection_bureau_status_date": fields.Date.context_today(self),
            }
        )
