from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class CollectionException(models.Model):
    """An approved break in the collection of one customer: a one-time grace
    (lending flow), an approved pause or a ``no_billing`` pause (solar policy).

    While an approved exception runs (``date_start`` <= today <= ``date_end``)
    the daily run neither sends reminders nor moves the levels of the customer's
    cases; the run sets it ``expired`` the day after its end, and everything
    resumes on its own. Every request and decision is logged on the case.
    """

    _name = "collection.exception"
    _description = "Collection Exception"
    _inherit = [
        "collection.case.mixin",
        "collection.action.guard",
        "collection.exception.rules",
        "mail.thread",
    ]
    _order = "date_start desc, id desc"
    _collection_action_fields = (
        "state",
        "approved_by_id",
        "requested_by_id",
        "decision_date",
        "policy_approved",
    )

    exception_type = fields.Selection(
        selection=[
            ("grace", "One-time Grace"),
            ("pause", "Approved Pause"),
            ("no_billing", "No Billing Pause"),
        ],
        string="Type",
        required=True,
        default="grace",
        tracking=True,
    )
    state = fields.Selection(
        selection=[
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("expired", "Expired"),
        ],
        default="requested",
        required=True,
        index=True,
        tracking=True,
    )
    date_start = fields.Date(
        string="From", required=True, default=fields.Date.context_today, index=True
    )
    date_end = fields.Date(string="Until", required=True, index=True)
    reason = fields.Text(required=True)
    requested_by_id = fields.Many2one(comodel_name="res.users", default=lambda self: self.env.user)
    approved_by_id = fields.Many2one(comodel_name="res.users", string="Decided By")
    decision_date = fields.Datetime()
    policy_approved = fields.Boolean(
        string="In Force by Policy",
        readonly=True,
        copy=False,
        help="Approved by the policy itself, not by a person: the first no_billing "
        "period is Customer Experience's own call (solar policy). Every other "
        "approval names its approver.",
    )

    def _collection_initial_values(self):
        """Rule: an exception starts as a request of whoever asks for it; a
        caller cannot send one already approved, or ask in someone else's name."""
        return {
            "state": "requested",
            "requested_by_id": self.env.uid,
            "approved_by_id": False,
            "decision_date": False,
            "policy_approved": False,
        }

    @api.constrains("date_start", "date_end", "exception_type")
    def _check_duration(self):
        """Rule (lending flow: "a one-time grace period of up to 2-3 days";
        solar policy: pauses "only for up to 30 days without getting another
        approval", ``no_billing`` 30 days then one month): an exception ends
        after it starts and lasts at most the company's maximum for its type."""
        for exception in self:
            days = exception._duration()
            if days < 1:
                raise ValidationError(self.env._("An exception ends on or after its first day."))
            limit = exception._max_days()
            if days > limit:
                raise ValidationError(
                    self.env._(
                        "A %(type)s lasts at most %(limit)s days (asked: %(days)s days).",
                        type=exception._type_label(),
                        limit=limit,
                        days=days,
                    )
                )

    @api.constrains("state", "approved_by_id", "policy_approved")
    def _check_approval_recorded(self):
        """Audit rule: an approved exception says who approved it, or that the
        policy itself put it in force (the first ``no_billing`` period only); a
        refusal names who refused."""
        for exception in self:
            if exception.state == "refused" and not exception.approved_by_id:
                raise ValidationError(self.env._("A refusal names who refused."))
            if exception.state != "approved" or exception.approved_by_id:
                continue
            if not (exception.policy_approved and exception._is_first_no_billing()):
                raise ValidationError(self.env._("An approved exception names who approved it."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_reason_given(vals_list)
        exceptions = super().create(vals_list)
        for exception in exceptions:
            exception._check_case_and_rank_of_requester()
            exception._check_grace_once_per_period()
            exception._check_no_overlap()
            exception._check_no_billing_extension()
            exception._log_on_case(
                self.env._(
                    "requested by %(user)s from %(start)s until %(end)s: %(reason)s",
                    user=self.env.user.name,
                    start=format_date(self.env, exception.date_start),
                    end=format_date(self.env, exception.date_end),
                    reason=exception.reason,
                )
            )
        exceptions.filtered(lambda e: e._is_first_no_billing())._approve_no_billing_tag()
        return exceptions

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_approve(self):
        for exception in self:
            exception._check_can_decide()
            exception._check_grace_once_per_period()
            exception._check_no_overlap()
        self._collection_action_write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        for exception in self:
            exception._log_on_case(
                self.env._(
                    "approved by %(user)s until %(end)s",
                    user=self.env.user.name,
                    end=format_date(self.env, exception.date_end),
                )
            )
        return True

    def action_refuse(self):
        for exception in self:
            exception._check_can_decide()
        self._collection_action_write(
            {
                "state": "refused",
                "approved_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        self._log_on_case(self.env._("refused by %s", self.env.user.name))
        return True

    # ------------------------------------------------------------------
    # Daily run
    # ------------------------------------------------------------------

    @api.model
    def _active_partner_ids(self, partner_ids, today):
        """Customers (commercial partners) among ``partner_ids`` with an approved
        exception running on ``today``, in one query."""
        if not partner_ids:
            return set()
        rows = self.sudo().search_fetch(
            [
                ("partner_id", "in", list(partner_ids)),
                ("state", "=", "approved"),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
            ],
            ["partner_id"],
        )
        return set(rows.partner_id.ids)

    @api.model
    def _expire(self, today):
        """Rule (solar policy): "expiry resumes everything on its own": the day
        after its end, an approved exception (or a request nobody decided)
        expires, and the case says so."""
        ended = self.sudo().search(
            [("state", "in", ("requested", "approved")), ("date_end", "<", today)]
        )
        if ended:
            ended._collection_action_write({"state": "expired"})
            ended._log_on_case(self.env._("expired: collection resumes"))
        return ended
