import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Issue 12: what a script read to a customer's reference may not say (data
# privacy): a figure, or a word about money owed.
REFERENCE_SCRIPT_FORBIDDEN = re.compile(
    r"\d[\d.,]*|\b(?:debts?|overdue|loans?|amounts?|dues?|owe[ds]?|owing|arrears?|default\w*|"
    r"payments?|pay|paid|unpaid|outstanding|balance|bills?|invoices?|instal+ments?|emi|"
    r"penal\w*|recovery|collections?)\b",
    re.IGNORECASE,
)


def collection_reference_script_leaks(text):
    """The words or figures of ``text`` a reference must not hear, in order."""
    return sorted({match.group(0).lower() for match in REFERENCE_SCRIPT_FORBIDDEN.finditer(text)})


class CollectionCompanyContact(models.AbstractModel):
    """The company's contact rules: when and how often a customer is contacted,
    when a customer counts as unreachable or uncooperative and what that sets in
    motion, and what a customer's references hear. Mixed into ``res.company``;
    the numeric bounds are in ``res_company.COLLECTION_SETTING_BOUNDS``."""

    _name = "collection.company.contact"
    _description = "Collection Contact Settings"

    collection_contact_hour_from = fields.Float(
        string="Contact From", default=8.0, help="Earliest hour, in the customer's time zone."
    )
    collection_contact_hour_to = fields.Float(
        string="Contact Until", default=19.0, help="Latest hour, in the customer's time zone."
    )
    collection_attempt_cap = fields.Integer(
        string="Attempts Cap",
        default=7,
        help="Most attempts on one channel within the rolling window.",
    )
    collection_attempt_window = fields.Integer(string="Attempts Window (days)", default=7)
    # Unreachable / uncooperative thresholds (solar policy)
    collection_unreachable_days = fields.Integer(string="Unreachable Window (days)", default=20)
    collection_unreachable_attempts = fields.Integer(
        string="Unanswered Attempts per Channel",
        default=3,
        help="Unanswered WhatsApp messages, emails and calls (each) that make a "
        "customer unreachable, and attempts to the co-subscriber if any.",
    )
    collection_broken_promises = fields.Integer(
        string="Broken Promises for Uncooperative", default=3
    )
    # Issue 12: what the unreachable and uncooperative flags set in motion, and
    # what a customer's references hear.
    collection_uncooperative_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Hand Uncooperative Customers Over To",
        domain="[('is_collection_team', '=', True)]",
        help="When a customer becomes uncooperative, their open collection cases are "
        "handed over to this team (field recovery), whatever their level. Empty: "
        "the flag is only shown.",
    )
    collection_reference_script = fields.Text(
        string="Reference Call Script",
        translate=True,
        default=lambda self: self._default_collection_reference_script(),
        help="What an agent says to a customer's reference (family, friend, office "
        "contact). Data privacy: never the amount, the debt or the account's state. "
        "Placeholders: {customer}, {company}, {agent}.",
    )

    def _default_collection_reference_script(self):
        return self.env._(
            "Hello, this is {agent} calling from {company}. We are trying to reach "
            "{customer} and could not get through. Could you kindly ask {customer} to "
            "call us back at their convenience? Thank you for your help."
        )

    @api.constrains("collection_contact_hour_from", "collection_contact_hour_to")
    def _check_collection_contact_hours(self):
        """Rule: contact hours lie within one day and end after they start."""
        for company in self:
            start, end = company.collection_contact_hour_from, company.collection_contact_hour_to
            if not (0 <= start < end <= 24):
                raise ValidationError(
                    self.env._("Contact hours must be within the day and end after they start.")
                )

    @api.constrains("collection_reference_script")
    def _check_collection_reference_script(self):
        """Rule (lending flow: references are contacted politely, data privacy): the
        script read to a reference never names the amount or the debt. A script
        with a figure or a word about money owed is refused when saved."""
        for company in self.filtered("collection_reference_script"):
            found = collection_reference_script_leaks(company.collection_reference_script)
            if found:
                raise ValidationError(
                    self.env._(
                        "The reference call script must not tell a reference about the "
                        "customer's account; remove: %s.",
                        ", ".join(found),
                    )
                )
