from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import bulk_sql


class CollectionPaymentPlan(models.Model):
    """The overdue amount split into dated instalments, each kept or broken."""

    _name = "collection.payment.plan"
    _inherit = ["collection.case.mixin", "collection.action.guard"]
    _description = "Collection Payment Plan"
    _order = "id desc"
    _collection_action_fields = ("state", "start_date", "paid_amount")
    # The terms the customer agreed to: fixed once the plan has started.
    _collection_plan_terms = (
        "ticket_id",
        "amount_total",
        "instalment_count",
        "first_date",
        "interval",
        "interval_unit",
        "is_refinancing",
        "line_ids",
    )

    name = fields.Char(compute="_compute_name", store=True)
    amount_total = fields.Monetary(currency_field="currency_id", required=True)
    instalment_count = fields.Integer(string="Number of Instalments", default=3, required=True)
    first_date = fields.Date(required=True, default=fields.Date.context_today)
    interval = fields.Integer(default=1, required=True)
    interval_unit = fields.Selection(
        selection=[("weeks", "Weeks"), ("months", "Months")], default="months", required=True
    )
    start_date = fields.Date(
        readonly=True, help="Payments from this day on count towards the plan."
    )
    is_refinancing = fields.Boolean(
        string="Refinancing",
        help="Offered to a customer with liquidity problems who is willing to pay.",
    )
    line_ids = fields.One2many(
        comodel_name="collection.payment.plan.line", inverse_name="plan_id", string="Instalments"
    )
    paid_amount = fields.Monetary(currency_field="currency_id", readonly=True)
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("active", "Running"),
            ("done", "Completed"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        index=True,
    )

    @api.depends("partner_id", "instalment_count", "is_refinancing")
    def _compute_name(self):
        for plan in self:
            kind = (
                self.env._("Refinancing plan")
                if plan.is_refinancing
                else self.env._("Payment plan")
            )
            plan.name = f"{kind}: {plan.partner_id.name or ''} ({plan.instalment_count})"

    def _collection_initial_values(self):
        """Rule: a plan starts as a draft nobody has paid into yet; it runs only
        once an agent starts it (``action_activate``)."""
        return {"state": "draft", "start_date": False, "paid_amount": 0.0}

    def _collection_locked_fields(self):
        """Rule: the amounts and dates of a plan that has started are what the
        customer agreed to; they are not edited afterwards (cancel it and offer
        a new one)."""
        locked = super()._collection_locked_fields()
        if self.state != "draft":
            locked |= set(self._collection_plan_terms)
        return locked

    @api.constrains("amount_total", "instalment_count", "interval")
    def _check_amounts(self):
        for plan in self:
            if plan.amount_total <= 0 or plan.instalment_count < 1 or plan.interval < 1:
                raise ValidationError(
                    self.env._(
                        "A payment plan needs a positive amount, at least one instalment "
                        "and a positive interval."
                    )
                )

    @api.constrains("amount_total", "ticket_id")
    def _check_amount_within_overdue(self):
        """Rule: a plan spreads what is overdue, no more: a plan larger than the
        case's overdue amount would keep reminders paused on money the customer
        does not owe."""
        for plan in self:
            overdue = self._collection_case_overdue(plan.ticket_id)
            if overdue > 0 and plan.currency_id.compare_amounts(plan.amount_total, overdue) > 0:
                raise ValidationError(
                    self.env._(
                        "The plan (%(amount)s) is more than what is overdue on the case "
                        "(%(overdue)s).",
                        amount=plan.amount_total,
                        overdue=overdue,
                    )
                )

    @api.constrains("first_date")
    def _check_first_date(self):
        """Rule: the first instalment is due from today on and within the
        company's horizon (``collection_plan_max_months``): a plan starting in
        the past is broken at once, one starting years away pauses reminders
        for years."""
        today = fields.Date.context_today(self)
        for plan in self:
            months = plan.company_id.collection_plan_max_months
            if plan.first_date < today:
                raise ValidationError(
                    self.env._("The first instalment of a plan cannot be in the past.")
                )
            if plan.first_date > today + relativedelta(months=months):
                raise ValidationError(
                    self.env._("The first instalment of a plan is due within %s months.", months)
                )

    def action_compute_instalments(self):
        """Equal instalments at the chosen interval; the last one takes the rounding."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be recomputed."))
            currency = plan.currency_id
            share = currency.round(plan.amount_total / plan.instalment_count)
            step = relativedelta(**{plan.interval_unit: plan.interval})
            lines = []
            for index in range(plan.instalment_count):
                amount = (
                    share
                    if index < plan.instalment_count - 1
                    else currency.round(plan.amount_total - share * (plan.instalment_count - 1))
                )
                lines.append(
                    Command.create(
                        {
                            "sequence": index + 1,
                            "date": plan.first_date + step * index,
                            "amount": amount,
                        }
                    )
                )
            plan.line_ids = [Command.clear(), *lines]
        # From the plan's dialog: stay in it, so the agent reviews the instalments
        # and starts the plan (a button that returns nothing closes the dialog).
        return self._action_open_form() if len(self) == 1 else True

    def _action_open_form(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    @api.model
    def _action_new_for(self, ticket, is_refinancing):
        """A new plan over what ``ticket`` has overdue, in a dialog; nothing is
        saved until the agent computes the instalments or starts it."""
        ticket.ensure_one()
        return {
            "name": self.env._("Refinancing Plan")
            if is_refinancing
            else self.env._("Payment Plan"),
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_ticket_id": ticket.id,
                "default_amount_total": self._collection_case_overdue(ticket),
                "default_is_refinancing": is_refinancing,
            },
        }

    def _check_draft(self):
        """Rule: only a draft plan is started; a running, completed, broken or
        cancelled plan never restarts (its start date decides which payments
        count)."""
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only a draft plan can be started."))

    def action_activate(self):
        self._check_draft()
        self._check_first_date()
        for plan in self:
            if not plan.line_ids:
                plan.action_compute_instalments()
            total = sum(plan.line_ids.mapped("amount"))
            if plan.currency_id.compare_amounts(total, plan.amount_total):
                raise UserError(
                    self.env._(
                        "The instalments add up to %(total)s, not %(amount)s.",
                        total=total,
                        amount=plan.amount_total,
                    )
                )
            plan._collection_action_write(
                {"state": "active", "start_date": fields.Date.context_today(plan)}
            )
            plan.ticket_id.message_post(
                body=self.env._(
                    "%(plan)s started: %(count)s instalments from %(date)s.",
                    plan=plan.name,
                    count=len(plan.line_ids),
                    date=plan.first_date,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        """Rule: a draft or running plan is cancelled; a finished one stays as it ended."""
        if any(plan.state not in ("draft", "active") for plan in self):
            raise UserError(self.env._("Only a draft or running plan can be cancelled."))
        self._collection_action_write({"state": "cancelled"})
        return True

    def _evaluate(self, today):
        """Payments since the start cover the instalments in date order; an
        instalment whose date passes uncovered breaks the plan."""
        plans = self.filtered(lambda p: p.state == "active")
        paid = plans.partner_id._collection_paid_amounts(
            {
                plan.id: (plan.partner_id.id, plan.start_date, today, plan.company_id.id)
                for plan in plans
            }
        )
        bulk_sql.update_rows(
            self, {plan.id: {"paid_amount": paid.get(plan.id, 0.0)} for plan in plans}
        )
        line_states, plan_states = {}, {}
        for plan in plans:
            due_so_far = 0.0
            for line in plan.line_ids.sorted(lambda line: (line.date, line.sequence)):
                due_so_far += line.amount
                if plan.currency_id.compare_amounts(plan.paid_amount, due_so_far) >= 0:
                    line_states[line.id] = "kept"
                elif line.date < today:
                    line_states[line.id] = "broken"
            states = [line_states.get(line.id, line.state) for line in plan.line_ids]
            if "broken" in states:
                plan_states[plan.id] = "broken"
            elif all(state == "kept" for state in states):
                plan_states[plan.id] = "done"
        Line = self.env["collection.payment.plan.line"]
        for state in ("kept", "broken"):
            Line.browse(
                [lid for lid, value in line_states.items() if value == state]
            )._collection_action_write({"state": state})
        self.browse(
            [pid for pid, value in plan_states.items() if value == "done"]
        )._collection_action_write({"state": "done"})
        broken = self.browse([pid for pid, value in plan_states.items() if value == "broken"])
        broken._collection_action_write({"state": "broken"})
        if not broken:
            return
        follow_up = self.env.ref("collections_dunning.mail_activity_type_follow_up")
        self.env["helpdesk.ticket"]._collection_create_activities(
            [
                {
                    "res_id": plan.ticket_id.id,
                    "activity_type_id": follow_up.id,
                    "summary": self.env._("Payment plan broken: an instalment was not paid"),
                    "user_id": (plan.ticket_id.user_id or self.env.user).id,
                    "date_deadline": today,
                }
                for plan in broken
            ]
        )
