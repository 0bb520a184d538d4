from odoo import fields, models


class CollectionCompanyException(models.AbstractModel):
    """The company's settings of the exceptions that bend the standard flow:
    one-time grace (lending flow), approved and ``no_billing`` pauses (solar
    policy), the service pause link and commitment letters (purifier SOP,
    lending flow). Mixed into ``res.company``; the bounds are in
    ``res_company.COLLECTION_SETTING_BOUNDS``."""

    _name = "collection.company.exception"
    _description = "Collection Exception Settings"

    # Issue 12: approved exceptions (collection.exception)
    collection_grace_max_days = fields.Integer(
        string="Grace Length (days)",
        default=3,
        help="Lending flow: a one-time grace lasts at most this many days.",
    )
    collection_grace_period_days = fields.Integer(
        string="One Grace Every (days)",
        default=180,
        help="A customer gets one grace within this many days (the seed gives no period).",
    )
    collection_pause_max_days = fields.Integer(
        string="Approved Pause Length (days)",
        default=30,
        help="Solar policy: an executive approves a pause of at most this many days; "
        "a renewal needs a new approval.",
    )
    collection_no_billing_days = fields.Integer(
        string="No Billing Pause Length (days)",
        default=30,
        help="Solar policy: the no_billing tag pauses collections this many days; "
        "one extension of the same length needs an executive.",
    )
    # Service pause (purifier SOP; its fee is on res.company, a Monetary field) and
    # commitment letters (lending flow)
    collection_pause_repeat_days = fields.Integer(
        string="Second Pause Request Window (days)",
        default=90,
        help="A customer asking for a service pause again within this many days of the "
        "last pause link gets no new link: the ticket goes to Collections.",
    )
    collection_commitment_letter_days = fields.Integer(
        string="Commitment Letter Horizon (days)",
        default=3,
        help="A signed commitment letter is for a payment within this many days.",
    )
