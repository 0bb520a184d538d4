from odoo import fields, models


class CollectionCompanyDesk(models.AbstractModel):
    """The bounds on what agents log at the desk: how far ahead a promise or a
    plan may go, how late a contact may be logged. Mixed into ``res.company``;
    the bounds of the settings themselves are in
    ``res_company.COLLECTION_SETTING_BOUNDS``."""

    _name = "collection.company.desk"
    _description = "Collection Desk Settings"

    collection_promise_max_days = fields.Integer(
        string="Promise Horizon (days)",
        default=30,
        help="A promise to pay is for a date at most this many days ahead.",
    )
    collection_plan_max_months = fields.Integer(
        string="Plan Start Horizon (months)",
        default=12,
        help="The first instalment of a payment plan is due at most this many months ahead.",
    )
    collection_interaction_backdate_hours = fields.Integer(
        string="Contact Backdating Window (hours)",
        default=48,
        help="A contact may be logged at most this many hours after it happened.",
    )
