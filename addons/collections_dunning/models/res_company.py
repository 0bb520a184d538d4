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
