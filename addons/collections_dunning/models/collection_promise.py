from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

from .. import bulk_sql
from .collection_claim import adopt_uploads


class CollectionPromise(models.Model):
    """A promise to pay an amount by a date, decided kept or broken by real payments.

    A commitment letter (lending flow) is one too (``promise_type``
    ``commitment_letter``): signed, attached, for a date within the company's
    ``collection_commitment_letter_days``; kept or broken the same way, and a
    broken one counts as a broken promise."""

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
        "promise_type",
    )

    interaction_id = fields.Many2one(comodel_name="collection.interaction", readonly=True)
    promise_type = fields.Selection(
        selection=[("promise", "Promise to Pay"), ("commitment_letter", "Commitment Letter")],
        string="Type",
        required=True,
        default="promise",
        index=True,
    )
    attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="collection_promise_attachment_rel",
        column1="promise_id",
        column2="attachment_id",
        string="Signed Letter",
        help="The commitment letter the customer signed.",
    )
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

    @api.constrains("promise_type", "date", "start_date", "attachment_ids")
    def _check_commitment_letter(self):
        for letter in self.filtered(lambda p: p.promise_type == "commitment_letter"):
            letter._collection_check_commitment_letter()

    def _collection_check_commitment_letter(self):
        """Rule (lending flow): a commitment letter is the customer's signed
        commitment to pay within the company's ``collection_commitment_letter_days``
        (3 by default): without the signed letter attached it is a plain promise,
        and a later date is no commitment."""
        self.ensure_one()
        if not self.attachment_ids:
            raise ValidationError(
                self.env._("Attach the signed commitment letter before recording it.")
            )
        days = self.company_id.collection_commitment_letter_days
        if self.date > self.start_date + timedelta(days=days):
            raise ValidationError(
                self.env._(
                    "A commitment letter is for a payment within %(days)s days: by "
                    "%(date)s at the latest.",
                    days=days,
                    date=format_date(self.env, self.start_date + timedelta(days=days)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        if not self.env.su and not self.env.user.has_group(
            "collections_dunning.group_collection_manager"
        ):
            promises._collection_check_direct_create()
        for letter in promises.filtered(lambda p: p.promise_type == "commitment_letter"):
            adopt_uploads(letter, letter.attachment_ids)
            letter._collection_post_letter()
        return promises

    def _collection_check_direct_create(self):
        """Rule: an agent's promise to pay comes from a logged contact (Log
        Contact, which writes it); the only promise an agent records on its own
        is a commitment letter, with the signed letter as its proof (managers
        kept their right to record any promise)."""
        if any(promise.promise_type != "commitment_letter" for promise in self):
            raise UserError(
                self.env._(
                    "A promise to pay is recorded with Log Contact; only a commitment "
                    "letter is recorded on its own."
                )
            )

    @api.model
    def _action_new_commitment_letter(self, ticket):
        """The commitment letter form, in a dialog, on a collection case: the
        overdue amount, due within the company's days, recorded by the agent."""
        ticket.ensure_one()
        if not ticket.is_collection_ticket:
            raise UserError(
                self.env._("A commitment letter is recorded on a case with Collections.")
            )
        ticket.check_access("write")
        self.check_access("create")
        today = fields.Date.context_today(self)
        days = ticket.company_id.collection_commitment_letter_days
        return {
            "name": self.env._("Commitment Letter"),
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [
                (self.env.ref("collections_dunning.collection_promise_view_form_letter").id, "form")
            ],
            "target": "new",
            "context": {
                "default_ticket_id": ticket.id,
                "default_promise_type": "commitment_letter",
                "default_user_id": self.env.uid,
                "default_amount": self._collection_case_overdue(ticket),
                "default_start_date": today,
                "default_date": today + timedelta(days=days),
            },
        }

    def _collection_post_letter(self):
        """Every commitment letter is on the case's chatter, with a copy of the
        signed letter."""
        self.ensure_one()
        ticket = self.ticket_id
        copies = self.env["ir.attachment"]
        for attachment in self.attachment_ids.sudo():
            copies |= attachment.copy({"res_model": ticket._name, "res_id": ticket.id})
        ticket.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Commitment letter recorded by %(user)s: %(amount)s by %(date)s.",
                user=self.env.user.name,
                amount=format_amount(self.env, self.amount, self.currency_id),
                date=format_date(self.env, self.date),
            ),
            subtype_xmlid="mail.mt_note",
            attachment_ids=copies.ids,
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
        broken._notify_broken(today)
        (kept | broken)._collection_log_letter_outcomes()
        if kept or broken:
            (kept | broken).partner_id._collection_update_flags()
        return kept, broken

    def _notify_broken(self, today):
        """The agent of a broken promise or letter gets a follow-up to-do on the
        case, all in one batch."""
        if not self:
            return
        follow_up = self.env.ref("collections_dunning.mail_activity_type_follow_up")
        self.env["helpdesk.ticket"]._collection_create_activities(
            [
                {
                    "res_id": promise.ticket_id.id,
                    "activity_type_id": follow_up.id,
                    "summary": self.env._(
                        "%(what)s broken: %(paid)s of %(amount)s paid by %(date)s",
                        what=self.env._("Commitment letter")
                        if promise.promise_type == "commitment_letter"
                        else self.env._("Promise"),
                        paid=promise.paid_amount,
                        amount=promise.amount,
                        date=promise.date,
                    ),
                    "user_id": (promise.user_id or promise.ticket_id.user_id or self.env.user).id,
                    "date_deadline": today,
                }
                for promise in self
            ]
        )

    def _collection_log_letter_outcomes(self):
        """A commitment letter kept or broken is said on the case's chatter (an
        ordinary promise's outcome shows in the case's promise list)."""
        states = dict(self._fields["state"].selection)
        for letter in self.filtered(lambda p: p.promise_type == "commitment_letter"):
            letter.ticket_id.sudo()._message_log(
                body=self.env._(
                    "Commitment letter %(state)s: %(paid)s of %(amount)s paid by %(date)s.",
                    state=states[letter.state].lower(),
                    paid=format_amount(self.env, letter.paid_amount, letter.currency_id),
                    amount=format_amount(self.env, letter.amount, letter.currency_id),
                    date=format_date(self.env, letter.date),
                )
            )
