from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import bulk_sql


class CollectionPromise(models.Model):
    """A promise to pay an amount by a date, decided kept or broken by real payments."""

    _name = "collection.promise"
    _inherit = ["collection.case.mixin", "collection.action.guard"]
    _description = "Promise to Pay"
    _order = "date desc, id desc"
    # What the customer said is fixed once logged (a new promise is a new
    # contact); the outcome is the run's.
    _collection_action_fields = (
        "state",
        "paid_amount",
        "closed_date",
        "ticket_id",
        "interaction_id",
        "amount",
        "date",
        "start_date",
    )

    interaction_id = fields.Many2one(comodel_name="collection.interaction", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Agent")
    amount = fields.Monetary(currency_field="currency_id", required=True)
    date = fields.Date(string="Promised For", required=True)
    start_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Payments from this day on count towards the promise.",
    )
    paid_amount = fields.Monetary(currency_field="currency_id", readonly=True)
    state = fields.Selection(
        selection=[("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        required=True,
        default="open",
        index=True,
    )
    closed_date = fields.Date(readonly=True)

    def _collection_initial_values(self):
        """Rule: a promise starts open with nothing paid; only the daily run
        (``_evaluate``) decides it kept or broken from real payments."""
        return {"state": "open", "paid_amount": 0.0, "closed_date": False}

    @api.constrains("amount", "date", "start_date", "ticket_id")
    def _check_terms(self):
        for promise in self:
            promise._collection_check_promise_terms(
                promise.ticket_id, promise.amount, promise.date, promise.start_date
            )

    @api.model
    def _collection_check_promise_terms(self, ticket, amount, date, start_date):
        """Rule: a promise is a positive amount, no more than what is overdue on
        the case, for a date from the day it was made up to the company's
        horizon (``collection_promise_max_days``), made no earlier than a logged
        contact may be backdated. An open promise pauses the reminders: without
        bounds one far-off or inflated promise would silence them for years."""
        company = ticket.company_id
        currency = company.currency_id
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(self.env._("A promise to pay is a positive amount."))
        overdue = self._collection_case_overdue(ticket)
        if overdue > 0 and currency.compare_amounts(amount, overdue) > 0:
            raise ValidationError(
                self.env._(
                    "The promised amount (%(amount)s) is more than what is overdue on the "
                    "case (%(overdue)s).",
                    amount=amount,
                    overdue=overdue,
                )
            )
        today = fields.Date.context_today(self)
        if date < start_date:
            raise ValidationError(self.env._("The promised date cannot be in the past."))
        days = company.collection_promise_max_days
        if date > today + timedelta(days=days):
            raise ValidationError(
                self.env._("A promise to pay is for a date within %s days.", days)
            )
        earliest = fields.Datetime.now() - timedelta(
            hours=company.collection_interaction_backdate_hours
        )
        if start_date < earliest.date():
            raise ValidationError(
                self.env._(
                    "A promise counts payments from the contact it was made in, at most "
                    "%s hours back.",
                    company.collection_interaction_backdate_hours,
                )
            )

    def _evaluate(self, today):
        """Kept once payments since the promise reach its amount, broken when its
        date passes short of it. Payments are read from accounting reconciliation."""
        promises = self.filtered(lambda p: p.state == "open")
        paid = promises.partner_id._collection_paid_amounts(
            {
                promise.id: (
                    promise.partner_id.id,
                    promise.start_date,
                    promise.date,
                    promise.company_id.id,
                )
                for promise in promises
            }
        )
        kept, broken = self.browse(), self.browse()
        bulk_sql.update_rows(
            self,
            {promise.id: {"paid_amount": paid.get(promise.id, 0.0)} for promise in promises},
        )
        for promise in promises:
            amount = promise.paid_amount
            if promise.currency_id.compare_amounts(amount, promise.amount) >= 0:
                kept |= promise
            elif today > promise.date:
                broken |= promise
        kept._collection_action_write({"state": "kept", "closed_date": today})
        broken._collection_action_write({"state": "broken", "closed_date": today})
        broken._notify_broken()
        if kept or broken:
            (kept | broken).partner_id._collection_update_flags()
        return kept, broken

    def _notify_broken(self):
        for promise in self:
            promise.ticket_id.sudo().activity_schedule(
                "collections_dunning.mail_activity_type_follow_up",
                summary=self.env._(
                    "Promise broken: %(paid)s of %(amount)s paid by %(date)s",
                    paid=promise.paid_amount,
                    amount=promise.amount,
                    date=promise.date,
                ),
                user_id=(promise.user_id or promise.ticket_id.user_id or self.env.user).id,
            )
