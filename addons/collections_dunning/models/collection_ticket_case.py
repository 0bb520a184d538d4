from odoo import fields, models


class CollectionTicketCase(models.AbstractModel):
    """A days-past-due case: where the daily run (collection.run) keeps it on
    its policy, and when it reminds and escalates. The case's amounts stay on
    the ticket, beside its currency."""

    _name = "collection.ticket.case"
    _description = "Collection Case State"

    collection_case = fields.Boolean(
        index=True,
        readonly=True,
        copy=False,
        help="Opened and kept up to date by the daily collection run from the "
        "customer's overdue invoices.",
    )
    collection_policy_id = fields.Many2one(
        comodel_name="collection.policy",
        string="Policy",
        readonly=True,
        copy=False,
        tracking=True,
    )
    collection_level_id = fields.Many2one(
        comodel_name="collection.policy.level",
        string="Level",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    collection_level_date = fields.Date(string="In Level Since", readonly=True, copy=False)
    collection_dpd = fields.Integer(
        string="Days Past Due", readonly=True, copy=False, index=True, aggregator="max"
    )
    collection_due_date = fields.Date(string="Oldest Due Date", readonly=True, copy=False)
    next_reminder_date = fields.Date(readonly=True, copy=False)
    collection_escalation_date = fields.Date(
        string="Escalated On", readonly=True, copy=False, tracking=True
    )
