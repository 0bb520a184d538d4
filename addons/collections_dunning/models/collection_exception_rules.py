from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

# Who decides each type of exception (the rank an approver needs).
APPROVER_GROUP = {
    "grace": "collections_dunning.group_collection_manager",
    "pause": "collections_dunning.group_collection_executive",
    "no_billing": "collections_dunning.group_collection_executive",
}


class CollectionExceptionRules(models.AbstractModel):
    """The seeds' rules on exceptions (``collection.exception``), one method each:
    who may ask and decide, how long each type lasts, one grace per period, no
    overlap, one ``no_billing`` extension. The model calls them on create and on
    its actions; mixed into ``collection.exception`` only."""

    _name = "collection.exception.rules"
    _description = "Collection Exception Rules"

    def _duration(self):
        self.ensure_one()
        if not (self.date_start and self.date_end):
            return 0
        return (self.date_end - self.date_start).days + 1

    def _max_days(self):
        self.ensure_one()
        company = self.company_id or self.env.company
        return {
            "grace": company.collection_grace_max_days,
            "pause": company.collection_pause_max_days,
            "no_billing": company.collection_no_billing_days,
        }[self.exception_type]

    def _type_label(self):
        self.ensure_one()
        return dict(self._fields["exception_type"]._description_selection(self.env))[
            self.exception_type
        ]

    @api.model
    def _check_reason_given(self, vals_list):
        """Rule (lending flow: grace "if a genuine reason is provided"): every
        exception says why, in words the approver can judge."""
        for vals in vals_list:
            if not (vals.get("reason") or "").strip():
                raise UserError(
                    self.env._("Give the customer's reason: an exception without one is refused.")
                )

    def _check_case_and_rank_of_requester(self):
        """Rule: exceptions are asked for on a collection case, by Collections
        (an agent of the case or above; record rules say which cases)."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(
            "collections_dunning.group_collection_agent"
        ):
            raise AccessError(self.env._("Only Collections asks for an exception on a case."))
        if not self.ticket_id.is_collection_ticket:
            raise UserError(self.env._("Exceptions are asked for on a collection case."))

    def _check_grace_once_per_period(self):
        """Rule (lending flow): "Offer a one-time grace period": one grace per
        customer per the company's period (the seed gives none; 180 days by
        default). A second request within it is refused, naming the first."""
        self.ensure_one()
        if self.exception_type != "grace":
            return
        period = timedelta(days=self.company_id.collection_grace_period_days)
        first = self.sudo().search(
            [
                ("id", "!=", self.id),
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("exception_type", "=", "grace"),
                ("state", "in", ("requested", "approved", "expired")),
                ("date_start", ">", self.date_start - period),
                ("date_start", "<", self.date_start + period),
            ],
            limit=1,
        )
        if first:
            raise UserError(
                self.env._(
                    "%(customer)s already had a one-time grace (%(state)s, from %(start)s "
                    "until %(end)s): a grace is granted once every %(days)s days.",
                    customer=self.partner_id.display_name,
                    state=first._state_label(),
                    start=format_date(self.env, first.date_start),
                    end=format_date(self.env, first.date_end),
                    days=self.company_id.collection_grace_period_days,
                )
            )

    def _check_no_overlap(self):
        """Rule (solar policy): no two approved exceptions of one customer run
        on the same day; a renewal starts after the previous one ends and needs
        its own approval."""
        self.ensure_one()
        other = self.sudo().search(
            [
                ("id", "!=", self.id),
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "approved"),
                ("date_start", "<=", self.date_end),
                ("date_end", ">=", self.date_start),
            ],
            limit=1,
        )
        if other:
            raise UserError(
                self.env._(
                    "%(customer)s already has an approved %(type)s from %(start)s until "
                    "%(end)s: ask for a renewal starting after it ends.",
                    customer=self.partner_id.display_name,
                    type=other._type_label(),
                    start=format_date(self.env, other.date_start),
                    end=format_date(self.env, other.date_end),
                )
            )

    def _previous_no_billing(self):
        """The ``no_billing`` exception this one would extend: approved or
        expired, of the same customer, ending the day before this one starts."""
        self.ensure_one()
        return self.sudo().search(
            [
                ("id", "!=", self.id),
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("exception_type", "=", "no_billing"),
                ("state", "in", ("approved", "expired")),
                ("date_end", "=", self.date_start - timedelta(days=1)),
            ],
            limit=1,
        )

    def _is_first_no_billing(self):
        self.ensure_one()
        return self.exception_type == "no_billing" and not self._previous_no_billing()

    def _check_no_billing_extension(self):
        """Rule (solar policy): the ``no_billing`` tag gives Customer Experience
        30 days, then the contract "can be paused for 1 month": one extension,
        approved by an executive. A further month is an approved pause."""
        self.ensure_one()
        if self.exception_type != "no_billing":
            return
        previous = self._previous_no_billing()
        if previous and previous._previous_no_billing():
            raise UserError(
                self.env._(
                    "The no_billing pause of %(customer)s was already extended once (until "
                    "%(end)s): ask an executive for an approved pause instead.",
                    customer=self.partner_id.display_name,
                    end=format_date(self.env, previous.date_end),
                )
            )

    def _approve_no_billing_tag(self):
        """Rule (solar policy): "CE owns the case up to 30 days after they add
        the no_billing tag": the first 30 days are Customer Experience's own
        call and need no approval (only the extension does)."""
        if not self:
            return
        # The requester may only create: the tag is in force as the policy says.
        self.sudo()._collection_action_write(
            {"state": "approved", "policy_approved": True, "decision_date": fields.Datetime.now()}
        )
        self._log_on_case(
            self.env._("in force without approval: the first no_billing period is CE's call")
        )

    def _check_can_decide(self):
        """Rule (solar policy: "Only a VP or CEO can authorize these exceptions";
        four eyes): a collection manager decides a grace, an executive a pause
        or a ``no_billing`` extension; nobody decides their own request, and a
        decision is taken once."""
        self.ensure_one()
        if not self.env.user.has_group(APPROVER_GROUP[self.exception_type]):
            group = self.env.ref(APPROVER_GROUP[self.exception_type])
            raise AccessError(
                self.env._(
                    "A %(type)s is decided by a Collections %(rank)s.",
                    type=self._type_label(),
                    rank=group.name,
                )
            )
        if self.requested_by_id == self.env.user:
            raise UserError(
                self.env._("You asked for this exception: someone else must decide on it.")
            )
        if self.state != "requested":
            raise UserError(
                self.env._("This exception was already decided (%s).", self._state_label())
            )

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _log_on_case(self, what):
        """Audit: the case's chatter says who asked, who decided, until when."""
        for exception in self:
            exception.ticket_id.sudo()._message_log(
                body=self.env._("%(type)s %(what)s.", type=exception._type_label(), what=what)
            )
