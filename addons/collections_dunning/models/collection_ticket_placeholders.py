from odoo import api, fields, models
from odoo.tools import format_amount


class CollectionTicketPlaceholders(models.AbstractModel):
    """What a case's reminders say about it, as plain placeholders.

    Odoo renders an email or SMS template whose placeholders are all plain field
    paths it allows (``mail_allowed_qweb_expressions``) without evaluating
    Python: no QWeb compilation nor ``safe_eval`` per recipient, and users
    outside the template editors' group may write such templates. The shipped
    reminder templates use only the placeholders below."""

    _name = "collection.ticket.placeholders"
    _description = "Collection Case Template Placeholders"

    collection_amount_overdue_text = fields.Char(
        string="Amount Overdue (Text)",
        compute="_compute_collection_amount_overdue_text",
        groups="collections_dunning.group_collection_agent",
        help="The amount overdue with its currency, as the customer's language "
        "writes it: the reminders' placeholder.",
    )

    @api.depends("amount_overdue", "company_currency_id")
    @api.depends_context("lang")
    def _compute_collection_amount_overdue_text(self):
        for ticket in self:
            ticket.collection_amount_overdue_text = format_amount(
                self.env, ticket.amount_overdue, ticket.company_currency_id
            )

    @api.model
    def mail_allowed_qweb_expressions(self):
        """Rule: a reminder template may name the case's reference, days past
        due, amount overdue, device and company, and its customer, without
        template-editor rights, since these are what every reminder says (and
        each field keeps its own access groups when rendered)."""
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.number",
            "object.collection_dpd",
            "object.collection_amount_overdue_text",
            "object.purifier_id",
            "object.company_id.name",
            "object.company_id.email_formatted",
            "object.partner_id.id",
            "object.partner_id.lang",
        )
