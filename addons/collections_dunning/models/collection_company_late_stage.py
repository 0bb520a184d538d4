from odoo import fields, models


class CollectionCompanyLateStage(models.AbstractModel):
    """The company's late-stage settings (issue 12; seeds: lending flow, solar
    policy): the recovery address, the credit bureau's thresholds and the
    recovery evaluation. Mixed into ``res.company``; the bounds are in
    ``res_company.COLLECTION_SETTING_BOUNDS``."""

    _name = "collection.company.late.stage"
    _description = "Collection Late-Stage Settings"

    collection_recovery_email = fields.Char(
        string="Recovery Email Address",
        help="From address of recovery documents (the notice of default): the "
        "company's authorized recovery email ID. Empty: the company's address.",
    )
    collection_bureau_days = fields.Integer(
        string="Reportable From (days past due)",
        default=15,
        help="Accounts this many days past due are reported to the credit bureau.",
    )
    collection_delinquent_days = fields.Integer(
        string="Delinquent From (days past due)",
        default=90,
        help="Customers this many days past due are reported to the credit bureau as "
        "90+ delinquent (lending flow: legal escalation after 90 days).",
    )
    collection_recovery_downpayment_days = fields.Integer(
        string="Recovery Evaluation on Downpayments (days past due)",
        default=30,
        help="A case with a downpayment invoice this many days past due asks a manager "
        "for a recovery decision (solar policy).",
    )
    collection_recovery_days = fields.Integer(
        string="Recovery Evaluation (days past due)",
        default=120,
        help="A case with any invoice this many days past due asks a manager for a "
        "recovery decision (solar policy).",
    )

    def _collection_recovery_email_from(self):
        """The From address of recovery documents: the configured recovery address,
        else the company's own."""
        self.ensure_one()
        return self.collection_recovery_email or self.email_formatted
