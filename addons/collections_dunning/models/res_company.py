import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..bounds import check_bounds

# Issue 10: the range each numeric collection setting may take, in its own unit.
# Wide enough for any real team, narrow enough that a typo cannot switch a rule off
# (0 attempts, a negative fee) or make it absurd (a callback promised in a year).
COLLECTION_SETTING_BOUNDS = {
    "collection_callback_delay": (5, 1440),  # minutes: 5 min to one day
    "collection_attempt_cap": (1, 50),  # attempts per channel in the window
    "collection_attempt_window": (1, 90),  # days
    "collection_unreachable_days": (1, 365),
    "collection_unreachable_attempts": (1, 50),
    "collection_broken_promises": (1, 20),
    "collection_waiver_threshold": (0.0, 10_000_000.0),  # company currency
    "collection_pause_fee": (0.0, 1_000_000.0),  # company currency; 0 = not offered
    "collection_bureau_days": (1, 365),  # days past due
}

# Issue 12: lengths of the exceptions (collection.exception), in days.
EXCEPTION_SETTING_BOUNDS = {
    "collection_grace_max_days": (1, 15),
    "collection_grace_period_days": (1, 730),
    "collection_pause_max_days": (1, 90),
    "collection_no_billing_days": (1, 90),
}
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


class ResCompany(models.Model):
    _inherit = "res.company"

    def _default_collection_team(self, xmlid):
        return self.env.ref(xmlid, raise_if_not_found=False)

    collection_purifier_pattern = fields.Char(
        string="Purifier ID Pattern",
        help="Regular expression a Purifier ID (the device serial) must match "
        "entirely, e.g. PUR-[0-9]{6}. Leave empty to accept any non-empty value.",
    )
    collection_callback_delay = fields.Integer(
        string="Callback Promise (minutes)",
        default=30,
        help="Support promises the customer a callback from Collections within this "
        "many minutes of the transfer.",
    )
    collection_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Collections Team",
        default=lambda self: self._default_collection_team(
            "collections_dunning.helpdesk_team_collections"
        ),
        domain="[('is_collection_team', '=', True)]",
        help="Team that receives the tickets transferred from Support.",
    )
    collection_support_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Support Team",
        default=lambda self: self._default_collection_team(
            "collections_dunning.helpdesk_team_support"
        ),
        domain="[('is_collection_team', '=', False)]",
        help="Team a ticket returns to when it reaches Collections without a "
        "Purifier ID and its previous team is unknown.",
    )
    collection_operations_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Operations / Logistics Team",
        default=lambda self: self._default_collection_team(
            "collections_dunning.helpdesk_team_operations"
        ),
        domain="[('is_collection_team', '=', False)]",
        help="Field team that schedules technician visits. A ticket asking for a "
        "visit reaches it only once the customer has no overdue amount.",
    )

    # Contact rules
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

    collection_waiver_threshold = fields.Monetary(
        string="Waiver Needs Second Approval Above",
        currency_field="currency_id",
        default=1000.0,
        help="A penal charge waiver above this amount needs a second manager.",
    )
    collection_pause_fee = fields.Monetary(
        string="Service Pause Fee",
        currency_field="currency_id",
        default=250.0,
        help="Amount of the payment link offered to a customer who is out of station "
        "and pauses the service.",
    )
    collection_bureau_days = fields.Integer(
        string="Reportable From (days past due)",
        default=15,
        help="Accounts this many days past due are reported to the credit bureau.",
    )

    @api.constrains("collection_contact_hour_from", "collection_contact_hour_to")
    def _check_collection_contact_hours(self):
        for company in self:
            start, end = company.collection_contact_hour_from, company.collection_contact_hour_to
            if not (0 <= start < end <= 24):
                raise ValidationError(
                    self.env._("Contact hours must be within the day and end after they start.")
                )

    @api.constrains("collection_purifier_pattern")
    def _check_collection_purifier_pattern(self):
        """A broken pattern would refuse every transfer: reject it when saved."""
        for company in self.filtered("collection_purifier_pattern"):
            try:
                re.compile(company.collection_purifier_pattern)
            except re.error as err:
                raise ValidationError(
                    self.env._(
                        "The Purifier ID pattern %(pattern)s is not a valid regular "
                        "expression: %(error)s",
                        pattern=company.collection_purifier_pattern,
                        error=err,
                    )
                ) from err

    @api.constrains(*COLLECTION_SETTING_BOUNDS)
    def _check_collection_setting_bounds(self):
        """Issue 10: every numeric collection setting stays within
        COLLECTION_SETTING_BOUNDS, whatever the caller sends (settings form, import,
        RPC): a zero cap or a negative fee would silently switch a rule off."""
        check_bounds(self, COLLECTION_SETTING_BOUNDS)

    def _collection_purifier_matches(self, value):
        """Whether ``value`` is an acceptable Purifier ID for this company."""
        self.ensure_one()
        if not value or not value.strip():
            return False
        pattern = self.collection_purifier_pattern
        return not pattern or bool(re.fullmatch(pattern, value.strip()))

    @api.model
    def _collection_set_default_teams(self):
        """Point companies created before the module at the seeded teams."""
        defaults = {
            "collection_team_id": "collections_dunning.helpdesk_team_collections",
            "collection_support_team_id": "collections_dunning.helpdesk_team_support",
            "collection_operations_team_id": "collections_dunning.helpdesk_team_operations",
        }
        for field_name, xmlid in defaults.items():
            team = self.env.ref(xmlid, raise_if_not_found=False)
            if not team:
                continue
            domain = [(field_name, "=", False)]
            if team.company_id:
                domain.append(("id", "=", team.company_id.id))
            self.search(domain).write({field_name: team.id})

    # Bounds on what agents log (promises, plans, contacts)
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

    @api.constrains(
        "collection_promise_max_days",
        "collection_plan_max_months",
        "collection_interaction_backdate_hours",
    )
    def _check_collection_logging_bounds(self):
        """Rule: the horizons that bound promises, plans and backdated contacts
        stay within sane limits, so a setting cannot switch the bounds off."""
        bounds = {
            "collection_promise_max_days": (1, 365),
            "collection_plan_max_months": (1, 60),
            "collection_interaction_backdate_hours": (0, 720),
        }
        for company in self:
            for field_name, (low, high) in bounds.items():
                if not low <= company[field_name] <= high:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between %(low)s and %(high)s.",
                            setting=self._fields[field_name]._description_string(self.env),
                            low=low,
                            high=high,
                        )
                    )

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

    @api.constrains(*EXCEPTION_SETTING_BOUNDS)
    def _check_collection_exception_bounds(self):
        """Issue 12: the lengths of exceptions stay within
        EXCEPTION_SETTING_BOUNDS, so a typo cannot grant an endless pause."""
        check_bounds(self, EXCEPTION_SETTING_BOUNDS)

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

    # Issue 12, late stages: the recovery address, the bureau's 90+ bucket and the
    # recovery evaluation (seeds: lending flow, solar policy).
    collection_recovery_email = fields.Char(
        string="Recovery Email Address",
        help="From address of recovery documents (the notice of default): the "
        "company's authorized recovery email ID. Empty: the company's address.",
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

    @api.constrains(
        "collection_delinquent_days",
        "collection_recovery_downpayment_days",
        "collection_recovery_days",
    )
    def _check_collection_late_stage_bounds(self):
        """Rule (issue 12): the late-stage thresholds stay within a year, so a typo
        cannot report every customer delinquent or switch the evaluation off."""
        check_bounds(
            self,
            {
                "collection_delinquent_days": (1, 365),
                "collection_recovery_downpayment_days": (1, 365),
                "collection_recovery_days": (1, 730),
            },
        )

    def _collection_recovery_email_from(self):
        """The From address of recovery documents: the configured recovery address,
        else the company's own."""
        self.ensure_one()
        return self.collection_recovery_email or self.email_formatted

    # Issue 12, part B: service pause and commitment letters
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

    @api.constrains("collection_pause_repeat_days", "collection_commitment_letter_days")
    def _check_collection_pause_and_letter_bounds(self):
        """Rule: the second-pause window and the commitment letter horizon stay
        within sane limits (a zero window would never escalate a repeated pause,
        a letter for next year is no commitment)."""
        check_bounds(
            self,
            {
                "collection_pause_repeat_days": (1, 365),
                "collection_commitment_letter_days": (1, 30),
            },
        )
