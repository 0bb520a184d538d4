import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..bounds import check_bounds

# Issues 10 and 12: the range each numeric collection setting may take, in its own
# unit, whichever feature's mixin defines it. Wide enough for any real team, narrow
# enough that a typo cannot switch a rule off (0 attempts, a negative fee) or make
# it absurd (a callback promised in a year, an endless pause).
COLLECTION_SETTING_BOUNDS = {
    # Support hand-over (this file)
    "collection_callback_delay": (5, 1440),  # minutes: 5 min to one day
    "collection_waiver_threshold": (0.0, 10_000_000.0),  # company currency
    "collection_pause_fee": (0.0, 1_000_000.0),  # company currency; 0 = not offered
    # Contact rules (collection.company.contact)
    "collection_attempt_cap": (1, 50),  # attempts per channel in the window
    "collection_attempt_window": (1, 90),  # days
    "collection_unreachable_days": (1, 365),
    "collection_unreachable_attempts": (1, 50),
    "collection_broken_promises": (1, 20),
    # What agents log (collection.company.desk)
    "collection_promise_max_days": (1, 365),
    "collection_plan_max_months": (1, 60),
    "collection_interaction_backdate_hours": (0, 720),
    # Exceptions, in days (collection.company.exception)
    "collection_grace_max_days": (1, 15),
    "collection_grace_period_days": (1, 730),
    "collection_pause_max_days": (1, 90),
    "collection_no_billing_days": (1, 90),
    "collection_pause_repeat_days": (1, 365),
    "collection_commitment_letter_days": (1, 30),
    # Late stages, in days past due (collection.company.late.stage)
    "collection_bureau_days": (1, 365),
    "collection_delinquent_days": (1, 365),
    "collection_recovery_downpayment_days": (1, 365),
    "collection_recovery_days": (1, 730),
}


class ResCompany(models.Model):
    """The company's collection settings: the teams and the Support hand-over
    here, the other features' settings in their mixins (contact rules, desk
    bounds, exceptions, late stages), all bounded by one table."""

    _name = "res.company"
    _inherit = [
        "res.company",
        "collection.company.contact",
        "collection.company.desk",
        "collection.company.exception",
        "collection.company.late.stage",
    ]

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
    # Monetary settings stay here, beside the company's currency.
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

    @api.constrains(*COLLECTION_SETTING_BOUNDS)
    def _check_collection_setting_bounds(self):
        """Issues 10 and 12: every numeric collection setting stays within
        COLLECTION_SETTING_BOUNDS, whatever the caller sends (settings form, import,
        RPC): a zero cap or a negative fee would silently switch a rule off."""
        check_bounds(self, COLLECTION_SETTING_BOUNDS)

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
