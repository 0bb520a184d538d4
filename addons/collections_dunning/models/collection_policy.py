from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Issue 10: the range of each numeric setting of a policy.
POLICY_BOUNDS = {
    "penal_rate": (0.0, 100.0),  # % per rate period
    "penal_grace_days": (0, 365),
    "penal_cap_percent": (0.0, 100.0),  # % of the overdue; 0 = no cap
}
# However the rate is quoted, it may not exceed this once counted over a year (%):
# 100 % a year is far above any lawful late charge, so only a typo goes beyond.
PENAL_MAX_ANNUAL_RATE = 100.0
PERIOD_DAYS = {"day": 1, "month": 30, "year": 365}


class CollectionPolicy(models.Model):
    _name = "collection.policy"
    _inherit = ["collection.settings.revision"]
    _description = "Collection Policy"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    is_default = fields.Boolean(
        string="Default",
        help="Applies to every customer of the company that carries no policy of its own.",
    )
    level_ids = fields.One2many(
        comodel_name="collection.policy.level",
        inverse_name="policy_id",
        string="Levels",
        copy=True,
    )
    paid_stage_id = fields.Many2one(
        comodel_name="helpdesk.ticket.stage",
        domain="[('closed', '=', True)]",
        help="Closed stage a case moves to once nothing is overdue any more.",
    )
    note = fields.Html()
    # Penal interest (lending flow: "2 % penal charges, calculated on a daily basis")
    penal_rate = fields.Float(
        string="Penal Rate (%)", digits=(16, 4), help="Late charge rate; 0 disables it."
    )
    penal_period = fields.Selection(
        selection=[("day", "Per day"), ("month", "Per month"), ("year", "Per year")],
        string="Rate Period",
        default="month",
        required=True,
        help="Period the rate is quoted for; the charge accrues daily (a month counts 30 "
        "days, a year 365).",
    )
    penal_grace_days = fields.Integer(
        string="Grace Days", help="Days past due before the charge starts accruing."
    )
    penal_cap_percent = fields.Float(
        string="Cap (% of overdue)", help="Most the charge may reach; 0 means no cap."
    )
    # Issue 12: the solar policy's recovery evaluation (thresholds: company settings).
    recovery_evaluation = fields.Boolean(
        help="Cases of this policy ask a manager for a recovery decision at the "
        "company's thresholds (solar policy: 30 days past due on a downpayment, 120 "
        "on any payment). Off: the policy's cases are never asked.",
    )
    # Issue 12 (solar policy): "Service issue first". Empty on the purifier SOP.
    service_issue_category_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.category",
        relation="collection_policy_service_issue_category_rel",
        column1="policy_id",
        column2="category_id",
        string="Service Issue Categories",
        help="An open ticket of one of these categories (e.g. an O&M ticket for a "
        "production issue) is an open service issue: the customer gets the levels' "
        "service-issue messages instead of payment reminders, and is still billed.",
    )
    downpayment_entry_gate = fields.Boolean(
        string="Downpayments Wait for the Welcome Call",
        help="A customer whose overdue invoices include a downpayment enters "
        "collections (a case is opened) only once the welcome call is recorded on "
        "the customer or a first downpayment payment is received.",
    )

    _default_per_company = models.UniqueIndex(
        "(company_id) WHERE is_default AND active",
        "A company has one default collection policy.",
    )

    @api.constrains(*POLICY_BOUNDS, "penal_period")
    def _check_penal_bounds(self):
        """Issue 10: the penal rate, grace and cap stay within POLICY_BOUNDS, and the
        rate, counted over a year, within PENAL_MAX_ANNUAL_RATE (2 % a day is a typo
        for 2 % a month, and would be charged to every overdue customer)."""
        for policy in self:
            for field_name, (low, high) in POLICY_BOUNDS.items():
                if not low <= policy[field_name] <= high:
                    raise ValidationError(
                        self.env._(
                            "Policy %(policy)s: %(setting)s must be between %(low)s and %(high)s.",
                            policy=policy.name,
                            setting=self._fields[field_name]._description_string(self.env),
                            low=low,
                            high=high,
                        )
                    )
            annual = policy.penal_rate * 365 / PERIOD_DAYS[policy.penal_period]
            if annual > PENAL_MAX_ANNUAL_RATE:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: a penal rate of %(rate)s %% %(period)s is "
                        "%(annual)s %% a year; at most %(max)s %% a year is accepted.",
                        policy=policy.name,
                        rate=policy.penal_rate,
                        period=dict(self._fields["penal_period"]._description_selection(self.env))[
                            policy.penal_period
                        ].lower(),
                        annual=round(annual, 1),
                        max=PENAL_MAX_ANNUAL_RATE,
                    )
                )

    @api.constrains("level_ids")
    def _check_levels_contiguous(self):
        """Levels must cover the days past due without overlap or gap: a case
        that falls between two levels, or into two, would get no treatment or two.
        """
        for policy in self:
            levels = policy.level_ids.sorted(lambda level: (level.dpd_from, level.id))
            for previous, level in zip(levels, levels[1:], strict=False):
                if not previous.dpd_to or level.dpd_from <= previous.dpd_to:
                    raise ValidationError(
                        self.env._(
                            "Policy %(policy)s: levels %(a)s and %(b)s overlap. Each level "
                            "must start the day after the previous one ends.",
                            policy=policy.name,
                            a=previous.code,
                            b=level.code,
                        )
                    )
                if level.dpd_from != previous.dpd_to + 1:
                    raise ValidationError(
                        self.env._(
                            "Policy %(policy)s: days %(start)s to %(end)s past due belong to "
                            "no level (gap between %(a)s and %(b)s).",
                            policy=policy.name,
                            start=previous.dpd_to + 1,
                            end=level.dpd_from - 1,
                            a=previous.code,
                            b=level.code,
                        )
                    )

    def _penal_daily_factor(self):
        """Share of the residual charged per day past the grace period."""
        self.ensure_one()
        days = PERIOD_DAYS[self.penal_period]
        return self.penal_rate / 100.0 / days

    def _level_for_dpd(self, dpd):
        """Rule (Collection SOP, Workflow Process): "The collection process is
        divided into various stages, depending on how long an account has been
        overdue" (Level 1: 1 to 6 days, Level 2: 7 to 60, Level 3: more than 60).
        Returns the level of this policy that a case ``dpd`` days past due belongs
        to; the levels cover the days without gap or overlap."""
        self.ensure_one()
        for level in self.level_ids:
            if level.dpd_from <= dpd and (not level.dpd_to or dpd <= level.dpd_to):
                return level
        return self.env["collection.policy.level"]

    @api.model
    def _cron_run(self):
        """Daily run: refresh days past due, move cases, hand cases over, send due
        reminders (the steps of ``collection.run``)."""
        return self.env["collection.run"]._run(fields.Date.context_today(self))
