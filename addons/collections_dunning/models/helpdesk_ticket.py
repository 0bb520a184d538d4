from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, format_amount, format_datetime

from .collection_contact_guard import CUSTOMER_REQUEST, CUSTOMER_REQUEST_KEY

# Issue 10: fields that only their owners write, the daily run (collection.run,
# through ``_tickets()``: sudo), the transfer, the contact log and the agency
# placement. Owners write with sudo or through ``_collection_as_owner()``, whose
# context marker is an object no RPC client can send (JSON carries no objects).
FIELD_OWNER_KEY = "collection_field_owner"
FIELD_OWNER = object()
# What only collection staff may read: amounts owed and charged.
COLLECTION_FINANCE_GROUPS = "collections_dunning.group_collection_agent"


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "collection.contact.guard"]

    purifier_id = fields.Char(
        string="Purifier ID",
        index=True,
        tracking=True,
        copy=False,
        help="Serial number of the customer's device. Mandatory for a ticket that "
        "Support hands over to Collections; a case the daily run opens shows the "
        "serial its invoices carry, if any.",
    )
    purifier_required = fields.Boolean(
        string="Purifier ID Required",
        compute="_compute_purifier_required",
        help="Whether this ticket may only stay with Collections with a Purifier ID: "
        "true for tickets handed over from Support, false for cases opened from "
        "invoices, which are identified by their invoices.",
    )
    is_collection_ticket = fields.Boolean(
        string="In Collections",
        related="team_id.is_collection_team",
        store=True,
    )
    tech_visit_requested = fields.Boolean(
        tracking=True,
        help="The customer asked for a technician visit. The field team takes the "
        "ticket only once the customer's overdue amount is cleared.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    partner_overdue_amount = fields.Monetary(
        string="Customer Overdue",
        currency_field="company_currency_id",
        compute="_compute_partner_overdue_amount",
        groups=COLLECTION_FINANCE_GROUPS,
        help="What the customer owes on invoices past their due date.",
    )
    collection_transfer_date = fields.Datetime(string="Transferred On", readonly=True, copy=False)
    collection_transferred_by_id = fields.Many2one(
        comodel_name="res.users", string="Transferred By", readonly=True, copy=False
    )
    collection_transfer_reason = fields.Text(string="Transfer Reason", readonly=True, copy=False)
    collection_origin_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Came From Team",
        readonly=True,
        copy=False,
        help="Team the ticket was in before it reached Collections.",
    )
    callback_deadline = fields.Datetime(
        tracking=True,
        copy=False,
        help="When the customer was promised a call back from Collections.",
    )
    first_contact_date = fields.Datetime(
        string="First Contact",
        readonly=True,
        copy=False,
        help="When Collections first logged a contact with the customer.",
    )
    callback_sla_state = fields.Selection(
        selection=[
            ("pending", "Pending"),
            ("on_time", "On Time"),
            ("late", "Late"),
        ],
        string="Callback SLA",
        compute="_compute_callback_sla_state",
        search="_search_callback_sla_state",
    )

    # Days-past-due cases, kept up to date by the daily run (collection.run).
    collection_case = fields.Boolean(
        index=True,
        readonly=True,
        copy=False,
        help="Opened and kept up to date by the daily collection run from the "
        "customer's overdue invoices.",
    )
    collection_policy_id = fields.Many2one(
        comodel_name="collection.policy",
        string="Policy",
        readonly=True,
        copy=False,
        tracking=True,
    )
    collection_level_id = fields.Many2one(
        comodel_name="collection.policy.level",
        string="Level",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    collection_level_date = fields.Date(string="In Level Since", readonly=True, copy=False)
    collection_level_amount = fields.Monetary(
        string="Overdue On Entering Level",
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
        groups=COLLECTION_FINANCE_GROUPS,
    )
    collection_dpd = fields.Integer(
        string="Days Past Due", readonly=True, copy=False, index=True, aggregator="max"
    )
    collection_due_date = fields.Date(string="Oldest Due Date", readonly=True, copy=False)
    amount_overdue = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
        groups=COLLECTION_FINANCE_GROUPS,
    )
    overdue_invoice_ids = fields.Many2many(
        comodel_name="account.move",
        relation="collection_ticket_overdue_invoice_rel",
        column1="ticket_id",
        column2="move_id",
        string="Overdue Invoices",
        readonly=True,
        copy=False,
    )
    next_reminder_date = fields.Date(readonly=True, copy=False)
    collection_escalation_date = fields.Date(
        string="Escalated On", readonly=True, copy=False, tracking=True
    )
    last_contact_date = fields.Datetime(string="Last Contact", readonly=True, copy=False)
    collection_reminder_ids = fields.One2many(
        comodel_name="collection.reminder", inverse_name="ticket_id", string="Reminders"
    )
    # Penal interest
    penal_accrued = fields.Float(
        string="Penal Charges Accrued",
        digits=(16, 6),
        readonly=True,
        copy=False,
        groups=COLLECTION_FINANCE_GROUPS,
    )
    penal_accrued_date = fields.Date(string="Accrued Up To", readonly=True, copy=False)
    penal_waived = fields.Monetary(
        currency_field="company_currency_id",
        compute="_compute_penal_balance",
        groups=COLLECTION_FINANCE_GROUPS,
    )
    penal_posted = fields.Monetary(
        currency_field="company_currency_id",
        compute="_compute_penal_balance",
        groups=COLLECTION_FINANCE_GROUPS,
    )
    penal_balance = fields.Monetary(
        string="Penal Charges Due",
        currency_field="company_currency_id",
        compute="_compute_penal_balance",
        groups=COLLECTION_FINANCE_GROUPS,
        help="Accrued, less waivers and what was already invoiced.",
    )
    penal_waiver_ids = fields.One2many(
        comodel_name="collection.penal.waiver", inverse_name="ticket_id", string="Waivers"
    )
    penal_charge_ids = fields.One2many(
        comodel_name="collection.penal.charge", inverse_name="ticket_id", string="Posted Charges"
    )
    # Agencies
    agency_placement_ids = fields.One2many(
        comodel_name="collection.agency.placement", inverse_name="ticket_id", string="Placements"
    )
    agency_id = fields.Many2one(
        comodel_name="collection.agency",
        string="Placed With",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Agency the account is placed with now.",
    )
    # Agent desk
    interaction_ids = fields.One2many(
        comodel_name="collection.interaction", inverse_name="ticket_id", string="Interactions"
    )
    promise_ids = fields.One2many(
        comodel_name="collection.promise", inverse_name="ticket_id", string="Promises"
    )
    payment_plan_ids = fields.One2many(
        comodel_name="collection.payment.plan", inverse_name="ticket_id", string="Payment Plans"
    )
    settlement_ids = fields.One2many(
        comodel_name="collection.settlement", inverse_name="ticket_id", string="Settlements"
    )
    partner_unreachable = fields.Boolean(
        string="Unreachable", related="commercial_partner_id.collection_unreachable"
    )
    partner_uncooperative = fields.Boolean(
        string="Uncooperative", related="commercial_partner_id.collection_uncooperative"
    )
    partner_reference_ids = fields.One2many(
        related="commercial_partner_id.collection_reference_ids", readonly=False
    )

    @api.depends(
        "penal_accrued",
        "penal_waiver_ids.state",
        "penal_waiver_ids.amount",
        "penal_charge_ids.amount",
    )
    def _compute_penal_balance(self):
        for ticket in self:
            currency = ticket.company_currency_id
            waived = sum(
                ticket.penal_waiver_ids.filtered(lambda w: w.state == "approved").mapped("amount")
            )
            posted = sum(ticket.penal_charge_ids.mapped("amount"))
            ticket.penal_waived = waived
            ticket.penal_posted = posted
            ticket.penal_balance = max(currency.round(ticket.penal_accrued) - waived - posted, 0.0)

    @api.depends("team_id", "stage_id", "collection_case")
    def _compute_purifier_required(self):
        """The SOP's rule is about the hand-over: a ticket Support transfers to
        Collections needs the device serial. A case opened from invoices is
        identified by them and stays editable without one."""
        for ticket in self:
            ticket.purifier_required = (
                ticket._collection_is_handover() and ticket._collection_is_in_collections()
            )

    @api.depends("partner_id", "company_id")
    def _compute_partner_overdue_amount(self):
        self.partner_overdue_amount = 0.0
        for company, tickets in self.filtered("partner_id").grouped("company_id").items():
            amounts = tickets.partner_id._collection_overdue_amounts(company)
            for ticket in tickets:
                ticket.partner_overdue_amount = amounts.get(
                    ticket.partner_id.commercial_partner_id.id, 0.0
                )

    @api.depends("callback_deadline", "first_contact_date")
    def _compute_callback_sla_state(self):
        now = fields.Datetime.now()
        for ticket in self:
            deadline = ticket.callback_deadline
            contact = ticket.first_contact_date
            if not deadline:
                ticket.callback_sla_state = False
            elif contact:
                ticket.callback_sla_state = "on_time" if contact <= deadline else "late"
            else:
                ticket.callback_sla_state = "late" if now > deadline else "pending"

    def _search_callback_sla_state(self, operator, value):
        """Search the SLA state in SQL: it compares two columns and the clock."""
        if operator not in ("in", "not in"):
            return NotImplemented
        states = [state for state in value if state]

        def to_sql(model, alias, query):
            deadline = model._field_to_sql(alias, "callback_deadline", query)
            contact = model._field_to_sql(alias, "first_contact_date", query)
            now = fields.Datetime.now()
            conditions = {
                "pending": SQL("(%s IS NULL AND %s >= %s)", contact, deadline, now),
                "on_time": SQL("(%s IS NOT NULL AND %s <= %s)", contact, contact, deadline),
                "late": SQL(
                    "((%s IS NOT NULL AND %s > %s) OR (%s IS NULL AND %s < %s))",
                    contact,
                    contact,
                    deadline,
                    contact,
                    deadline,
                    now,
                ),
            }
            parts = [conditions[state] for state in states]
            if False in value:
                parts.append(SQL("%s IS NULL", deadline))
            return SQL("(%s)", SQL(" OR ").join(parts)) if parts else SQL("FALSE")

        domain = Domain.custom(to_sql=to_sql)
        return domain if operator == "in" else ~domain

    @api.constrains("purifier_id", "company_id")
    def _check_purifier_id(self):
        for ticket in self.filtered("purifier_id"):
            if not ticket.company_id._collection_purifier_matches(ticket.purifier_id):
                raise ValidationError(ticket._collection_purifier_error())

    @api.constrains("team_id", "tech_visit_requested", "partner_id")
    def _check_tech_visit_overdue(self):
        """The SOP schedules a tech visit only once the overdue amount is cleared."""
        for ticket in self:
            field_team = ticket.company_id.collection_operations_team_id
            if (
                ticket.tech_visit_requested
                and field_team
                and ticket.team_id == field_team
                and ticket.sudo().partner_overdue_amount > 0
            ):
                raise ValidationError(ticket._collection_tech_visit_error())

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._collection_check_owned_fields(vals, creating=True)
            self._collection_clean_vals(vals)
        tickets = super().create(vals_list)
        tickets._collection_return_without_purifier()
        return tickets

    def write(self, vals):
        self._collection_check_owned_fields(vals)
        self._collection_clean_vals(vals)
        arriving, origins = self.browse(), {}
        if vals.get("team_id"):
            new_team = self.env["helpdesk.ticket.team"].browse(vals["team_id"])
            if new_team.is_collection_team:
                arriving = self.filtered(
                    lambda ticket: ticket.team_id and not ticket.team_id.is_collection_team
                )
                origins = {ticket: ticket.team_id for ticket in arriving}
        res = super().write(vals)
        if arriving and "collection_origin_team_id" not in vals:
            for origin, tickets in arriving.grouped(lambda t: origins[t]).items():
                super(HelpdeskTicket, tickets).write({"collection_origin_team_id": origin.id})
        if {"team_id", "stage_id", "purifier_id"} & vals.keys():
            self._collection_return_without_purifier()
        return res

    @api.model
    def _get_thread_with_access(self, thread_id, *, mode="read", **kwargs):
        """No portal token or signed link opens a collection case: only the
        record rules (which hide it from portal and public users) do."""
        thread = super()._get_thread_with_access(thread_id, mode=mode, **kwargs)
        if thread and thread.sudo().is_collection_ticket:
            own = self.browse(thread_id).sudo(False).with_context(allowed_company_ids=[])
            if not own.has_access(mode):
                return self.browse()
        return thread

    def action_transfer_to_collections(self):
        """Open the transfer wizard, after refusing what Collections cannot take."""
        self.ensure_one()
        self._collection_check_transferable()
        return {
            "name": self.env._("Transfer to Collections"),
            "type": "ir.actions.act_window",
            "res_model": "collection.transfer.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_send_to_operations(self):
        """Hand a tech-visit request to the field team once nothing is overdue."""
        for ticket in self:
            field_team = ticket.company_id.collection_operations_team_id
            if not ticket.tech_visit_requested:
                raise UserError(
                    self.env._("Ticket %s did not ask for a tech visit.", ticket.display_name)
                )
            if not field_team:
                raise UserError(
                    self.env._(
                        "No operations / logistics team is set in the Collections "
                        "settings: choose the team that schedules technician visits."
                    )
                )
            if ticket.partner_overdue_amount > 0:
                raise UserError(ticket._collection_tech_visit_error())
            ticket.message_post(
                body=self.env._(
                    "Overdue amount cleared: tech visit handed to %(team)s by %(user)s.",
                    team=field_team.display_name,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            ticket.write({"team_id": field_team.id})
        return True

    def _collection_owned_fields(self):
        """Fields only the run and the actions that own them write (issue 10).

        The views show them read-only; this makes it a rule of the server too, so
        an RPC client cannot set a case's level, amounts, contact dates, agency
        or transfer record by hand. Extended by add-ons that own more fields.
        """
        return {
            "collection_case",
            "collection_policy_id",
            "collection_level_id",
            "collection_level_date",
            "collection_level_amount",
            "collection_dpd",
            "collection_due_date",
            "amount_overdue",
            "overdue_invoice_ids",
            "next_reminder_date",
            "collection_escalation_date",
            "first_contact_date",
            "last_contact_date",
            "penal_accrued",
            "penal_accrued_date",
            "agency_id",
            "collection_transfer_date",
            "collection_transferred_by_id",
            "collection_transfer_reason",
            "collection_origin_team_id",
        }

    def _collection_as_owner(self):
        """These tickets, allowed to write the owned fields: for the owners only."""
        return self.with_context(**{FIELD_OWNER_KEY: FIELD_OWNER})

    def _collection_check_owned_fields(self, vals, creating=False):
        """Issue 10: refuse a create()/write() of run-owned fields by anyone but
        their owners, naming the fields, before anything is changed.

        Owners write with sudo (the daily run, Asset Recovery's hand-over) or
        through ``_collection_as_owner()`` (transfer, contact log, placement,
        officer actions), which keeps the caller's access rights. On create, an
        empty value is the default anyway and is let through.
        """
        if self.env.su or self.env.context.get(FIELD_OWNER_KEY) is FIELD_OWNER:
            return
        owned = self._collection_owned_fields()
        refused = sorted(
            name for name, value in vals.items() if name in owned and (value or not creating)
        )
        if refused:
            labels = ", ".join(self._fields[name]._description_string(self.env) for name in refused)
            raise AccessError(
                self.env._(
                    "%(fields)s cannot be set by hand: the daily collection run and "
                    "the case's own actions (transfer, contact log, agency placement, "
                    "validation) keep them up to date.",
                    fields=labels,
                )
            )

    def _collection_check_case_action(self):
        """Issue 10: who may act for a case towards the customer (send a link, a
        document, invoice a fee): collection agents and managers, and support
        users of the ticket's own team; every one of them must also be allowed to
        edit the ticket. Checked before anything is created, as the invoices that
        follow are made with sudo."""
        self.check_access("write")
        user = self.env.user
        if self.env.su or user.has_group("collections_dunning.group_collection_agent"):
            return
        for ticket in self:
            if user not in ticket.team_id.user_ids:
                raise AccessError(
                    self.env._(
                        "Only collection agents, or members of the team %(team)s, can "
                        "do this for ticket %(ticket)s.",
                        team=ticket.team_id.display_name or self.env._("(none)"),
                        ticket=ticket.display_name,
                    )
                )

    def _collection_clean_vals(self, vals):
        """Serial numbers are typed and pasted: ignore surrounding blanks."""
        if isinstance(vals.get("purifier_id"), str):
            vals["purifier_id"] = vals["purifier_id"].strip() or False

    def _collection_purifier_error(self):
        self.ensure_one()
        pattern = self.company_id.collection_purifier_pattern
        if pattern:
            return self.env._(
                "The Purifier ID %(value)s of ticket %(ticket)s does not have the expected "
                "format. It must match the pattern %(pattern)s (set in Collections settings).",
                value=self.purifier_id,
                ticket=self.display_name,
                pattern=pattern,
            )
        return self.env._("The Purifier ID of ticket %s is empty.", self.display_name)

    def _collection_tech_visit_error(self):
        self.ensure_one()
        return self.env._(
            "%(customer)s still has %(amount)s overdue. A tech visit can be scheduled "
            "only once the overdue amount is cleared: transfer the ticket to Collections.",
            customer=self.partner_id.commercial_partner_id.display_name,
            amount=self.env["ir.qweb.field.monetary"].value_to_html(
                self.sudo().partner_overdue_amount,
                {"display_currency": self.company_currency_id},
            ),
        )

    def _collection_check_transferable(self):
        """Refuse what is not a payment matter or cannot be identified.

        The SOP sends only payment matters to Collections, and a ticket without
        the device serial would be sent back anyway: say so before transferring.
        """
        for ticket in self:
            if ticket.is_collection_ticket:
                raise UserError(
                    self.env._("Ticket %s is already with Collections.", ticket.display_name)
                )
            category = ticket.category_id
            if not category.collection_eligible:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s cannot go to Collections: its category "
                        "%(category)s is not a payment matter. Resolve it with Support "
                        "first; only billing cycle, service pause, payment and "
                        "discount or offer issues on an overdue account are transferred.",
                        ticket=ticket.display_name,
                        category=category.display_name or self.env._("(none)"),
                    )
                )
            if not ticket.purifier_id:
                raise UserError(
                    self.env._(
                        "Ticket %s needs the customer's Purifier ID (device serial) "
                        "before it can go to Collections.",
                        ticket.display_name,
                    )
                )
            if not ticket.company_id._collection_purifier_matches(ticket.purifier_id):
                raise ValidationError(ticket._collection_purifier_error())
            if not ticket.company_id.collection_team_id:
                raise UserError(
                    self.env._(
                        "No Collections team is set in the Collections settings of %s.",
                        ticket.company_id.name,
                    )
                )

    def _transfer_to_collections(self, reason):
        """Move payment tickets to Collections and promise the customer a callback."""
        self._collection_check_transferable()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the ticket goes to Collections."))
        now = fields.Datetime.now()
        for ticket in self:
            company = ticket.company_id
            team = company.collection_team_id
            agent = team._collection_assign_cases(
                [(ticket.partner_id, self.env["collection.policy.level"])]
            )[0]
            deadline = now + timedelta(minutes=company.collection_callback_delay)
            deadline_text = format_datetime(self.env, deadline, dt_format="short")
            # Post first: a support agent may not see the ticket once it has moved.
            ticket.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    self.env._(
                        "Transferred to Collections by %(user)s. Callback promised "
                        "by %(deadline)s.",
                        user=self.env.user.name,
                        deadline=deadline_text,
                    ),
                    self.env._("Reason: %s", reason.strip()),
                ),
                subtype_xmlid="mail.mt_note",
            )
            ticket.activity_schedule(
                "collections_dunning.mail_activity_type_callback",
                date_deadline=fields.Date.context_today(ticket, deadline),
                summary=self.env._("Call back customer before %s", deadline_text),
                note=reason.strip(),
                user_id=(agent or self.env.user).id,
            )
            ticket._collection_as_owner().write(
                {
                    "team_id": team.id,
                    "user_id": agent.id,
                    "callback_deadline": deadline,
                    "first_contact_date": False,
                    "collection_transfer_date": now,
                    "collection_transferred_by_id": self.env.user.id,
                    "collection_transfer_reason": reason.strip(),
                    "collection_origin_team_id": ticket.team_id.id,
                }
            )
        return True

    def _collection_is_handover(self):
        """Whether the ticket came to Collections from Support (and so needs the
        Purifier ID), rather than being a case the system opened itself."""
        self.ensure_one()
        return not self.collection_case

    def _collection_is_in_collections(self):
        """A ticket is with Collections when its team, or its stage, is theirs."""
        self.ensure_one()
        stage_teams = self.stage_id.team_ids
        return self.team_id.is_collection_team or (
            bool(stage_teams) and all(stage_teams.mapped("is_collection_team"))
        )

    def _collection_return_without_purifier(self):
        """Send back to Support any ticket that reached Collections without a
        Purifier ID, whatever the path (import, API, drag and drop): the SOP
        returns such tickets to Support rather than working them blind.
        """
        if self.env.context.get("collection_returning"):
            return
        # Cases the daily run opens from invoices are not handovers from Support.
        to_return = self.filtered(
            lambda ticket: (
                not ticket.purifier_id
                and ticket._collection_is_handover()
                and ticket._collection_is_in_collections()
            )
        )
        for ticket in to_return.with_context(collection_returning=True):
            origin = ticket.collection_origin_team_id
            target = (
                origin
                if origin and not origin.is_collection_team
                else ticket.company_id.collection_support_team_id
            )
            stages = target._get_applicable_stages()
            stage = ticket.stage_id if ticket.stage_id in stages else stages[:1]
            ticket.write({"team_id": target.id, "stage_id": stage.id})
            ticket.message_post(
                body=self.env._(
                    "Returned to %(team)s: a ticket reaches Collections only with the "
                    "customer's Purifier ID (device serial). Fill it in and transfer "
                    "the ticket again.",
                    team=target.display_name or self.env._("Support"),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _collection_register_contact(self, contact_date=None):
        """Record the first contact with the customer, which settles the callback SLA."""
        contact_date = contact_date or fields.Datetime.now()
        tickets = self._collection_as_owner()
        tickets.filtered(lambda ticket: not ticket.first_contact_date).write(
            {"first_contact_date": contact_date}
        )
        tickets.filtered(
            lambda ticket: not ticket.last_contact_date or ticket.last_contact_date < contact_date
        ).write({"last_contact_date": contact_date})

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """On the collection Kanban, the columns are the team's buckets, even empty."""
        team_id = self.env.context.get("collection_bucket_team_id")
        if not team_id:
            return super()._read_group_stage_ids(stages, domain)
        return stages.search(["|", ("id", "in", stages.ids), ("team_ids", "=", team_id)])

    def _collection_reminders_paused(self):
        """Cases whose automated reminders wait: an open promise to pay, a running
        payment plan, or a settlement (standard recovery stopped)."""
        if not self:
            return self.browse()
        domain = [("ticket_id", "in", self.ids)]
        paused = set()
        for model, states in (
            ("collection.promise", ["open"]),
            ("collection.payment.plan", ["active"]),
            ("collection.settlement", ["to_approve", "approved"]),
        ):
            rows = (
                self.env[model]
                .sudo()
                ._read_group(domain + [("state", "in", states)], ["ticket_id"])
            )
            paused.update(ticket.id for (ticket,) in rows)
        return self.browse(sorted(paused))

    def action_post_penal_charges(self):
        """Invoice the penal charges due, once per case and month (managers)."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(self.env._("Only a collections manager posts penal charges."))
        self.check_access("write")
        today = fields.Date.context_today(self)
        period = today.replace(day=1)
        Charge = self.env["collection.penal.charge"].sudo()
        for ticket in self:
            if Charge.search_count([("ticket_id", "=", ticket.id), ("period", "=", period)]):
                raise UserError(
                    self.env._(
                        "Penal charges of %(case)s were already invoiced for %(period)s.",
                        case=ticket.number,
                        period=period.strftime("%B %Y"),
                    )
                )
            amount = ticket.penal_balance
            if amount <= 0:
                raise UserError(self.env._("%s has no penal charges to invoice.", ticket.number))
            move = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": ticket.partner_id.commercial_partner_id.id,
                        "company_id": ticket.company_id.id,
                        "invoice_date": today,
                        "invoice_origin": ticket.number,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": self.env._(
                                        "Penal charges on overdue invoices, %s", ticket.number
                                    ),
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            )
            move.action_post()
            Charge.create(
                {"ticket_id": ticket.id, "period": period, "amount": amount, "move_id": move.id}
            )
            ticket.message_post(
                body=self.env._(
                    "Penal charges of %(amount)s invoiced (%(move)s).",
                    amount=amount,
                    move=move.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _collection_place_with(self, agency):
        """Place the cases with an agency (recalling them from any other first)."""
        today = fields.Date.context_today(self)
        Placement = self.env["collection.agency.placement"]
        for ticket in self:
            current = ticket.agency_placement_ids.filtered(lambda p: not p.date_end)
            if current.agency_id == agency:
                continue
            current.action_recall()
            Placement.create(
                {
                    "ticket_id": ticket.id,
                    "agency_id": agency.id,
                    "date_start": today,
                    "amount_placed": ticket.amount_overdue or ticket.partner_overdue_amount,
                }
            )
            ticket._collection_as_owner().agency_id = agency
            ticket.message_post(
                body=self.env._("Placed with %s.", agency.name), subtype_xmlid="mail.mt_note"
            )

    def action_recall_from_agency(self):
        """Take the cases back from their agency (collection managers, as placing them)."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(
                self.env._("Only a collections manager recalls a case from an agency.")
            )
        self.check_access("write")
        self.agency_placement_ids.filtered(lambda p: not p.date_end).action_recall()
        self._collection_as_owner().agency_id = False
        return True

    def _collection_document_action(self, template_xmlid):
        """The mail composer with a collection document attached, for the agent to send."""
        self.ensure_one()
        template = self.env.ref(template_xmlid)
        self._collection_check_contact("email", template.name)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    def action_send_notice_of_default(self):
        self._collection_check_case_action()
        return self._collection_document_action(
            "collections_dunning.mail_template_notice_of_default"
        )

    def action_send_statement(self):
        self._collection_check_case_action()
        return self._collection_document_action("collections_dunning.mail_template_statement")

    def _collection_open_invoices(self):
        """The invoices a payment link is for: the case's, or the customer's overdue ones.

        Read with sudo: callers checked who may act on the case first
        (``_collection_check_case_action``), and a support user of the team has
        no accounting access of their own.
        """
        self.ensure_one()
        ticket = self.sudo()
        if ticket.overdue_invoice_ids:
            return ticket.overdue_invoice_ids.filtered(lambda inv: inv.amount_residual > 0)
        return ticket.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                *ticket.env["account.move"]._collection_overdue_domain(),
            ]
        )

    def _collection_payment_links(self, invoices):
        """Odoo's own payment link (account_payment) for each invoice: {invoice: url}."""
        Wizard = self.env["payment.link.wizard"].sudo()
        links = {}
        for invoice in invoices:
            wizard = Wizard.with_context(active_model="account.move", active_id=invoice.id).create(
                {
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "amount": invoice.amount_residual,
                    "amount_max": invoice.amount_residual,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": invoice.partner_id.id,
                }
            )
            links[invoice] = wizard.link
        return links

    def message_post(self, **kwargs):
        """Messages sent to the customer from a collection case, through the
        composer, a document or a link, pass the contact guard first."""
        if (
            len(self) == 1
            and self.is_collection_ticket
            and self._collection_reaches_customer(kwargs)
        ):
            self._collection_check_contact("email", self.env._("This message"))
        return super().message_post(**kwargs)

    def _collection_send_links(self, links, intro):
        self.ensure_one()
        items = Markup("").join(
            Markup('<li><a href="%s">%s</a> · %s</li>')
            % (
                url,
                invoice.name,
                format_amount(self.env, invoice.amount_residual, invoice.currency_id),
            )
            for invoice, url in links.items()
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items),
            partner_ids=self.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def action_send_payment_link(self):
        """Send the customer a payment link for each overdue invoice."""
        self._collection_check_case_action()
        self._collection_check_contact("email", self.env._("A payment link"))
        for ticket in self:
            invoices = ticket._collection_open_invoices()
            if not invoices:
                raise UserError(
                    self.env._("%s has nothing overdue to pay.", ticket.partner_id.name)
                )
            ticket._collection_send_links(
                ticket._collection_payment_links(invoices),
                self.env._("You can pay your overdue invoices online:"),
            )
        return True

    def _ivr_send_payment_link(self):
        """Key 1 of the IVR menu: the customer asked for the payment link during
        the call, so it is sent (the agent's "Send payment link") while the case
        is open and something is overdue. Returns whether it was sent."""
        self.ensure_one()
        if self.stage_id.closed or not self._collection_open_invoices():
            return False
        # the customer asked for it on the call: an answer, not an unsolicited contact
        self.with_context(**{CUSTOMER_REQUEST_KEY: CUSTOMER_REQUEST}).action_send_payment_link()
        return True

    def _ivr_request_callback(self):
        """Key 2 of the IVR menu: the customer wants an agent, so the case's agent
        (else the team leader) gets a callback activity due today."""
        self.ensure_one()
        self.activity_schedule(
            "collections_dunning.mail_activity_type_callback",
            date_deadline=fields.Date.context_today(self),
            summary=self.env._("The customer asked for an agent during the IVR call"),
            user_id=(self.user_id or self.team_id.user_id or self.env.ref("base.user_admin")).id,
        )

    def action_send_pause_link(self):
        """Out of station: invoice the configured service pause fee and send its link."""
        self._collection_check_case_action()
        self._collection_check_contact("email", self.env._("The pause fee link"))
        for ticket in self:
            company = ticket.company_id
            if company.collection_pause_fee <= 0:
                raise UserError(
                    self.env._("Set the service pause fee in the Collections settings.")
                )
            invoice = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": ticket.partner_id.commercial_partner_id.id,
                        "company_id": company.id,
                        "invoice_origin": ticket.number,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": self.env._("Service pause fee"),
                                    "quantity": 1,
                                    "price_unit": company.collection_pause_fee,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            )
            invoice.action_post()
            ticket._collection_send_links(
                ticket._collection_payment_links(invoice),
                self.env._("Pay the service pause fee to pause your service:"),
            )
        return True

    def action_log_contact(self):
        """The "Log contact" dialog: the three dependent disposition layers."""
        self.ensure_one()
        return {
            "name": self.env._("Log Contact"),
            "type": "ir.actions.act_window",
            "res_model": "collection.interaction",
            "view_mode": "form",
            "views": [
                (self.env.ref("collections_dunning.collection_interaction_view_form").id, "form")
            ],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def _collection_plan_action(self, is_refinancing):
        """A new plan over what is overdue, in a dialog; nothing is saved until
        the agent computes the instalments or starts it."""
        self.ensure_one()
        return {
            "name": self.env._("Refinancing Plan")
            if is_refinancing
            else self.env._("Payment Plan"),
            "type": "ir.actions.act_window",
            "res_model": "collection.payment.plan",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
                "default_amount_total": self.amount_overdue or self.partner_overdue_amount,
                "default_is_refinancing": is_refinancing,
            },
        }

    def action_new_payment_plan(self):
        return self._collection_plan_action(is_refinancing=False)

    def action_open_refinancing_plan(self):
        """A customer with liquidity problems who is willing to pay moves to a
        refinancing plan instead of standard reminders."""
        return self._collection_plan_action(is_refinancing=True)

    def _collection_register_contact_dates(self, interactions):
        for ticket in self:
            dates = interactions.filtered(lambda i, t=ticket: i.ticket_id == t).mapped("date")
            if dates:
                ticket._collection_register_contact(min(dates))
                ticket._collection_register_contact(max(dates))

    def _collection_open_settlement(self, interaction):
        """Death or verified distress: stop standard recovery, ask a manager."""
        self.ensure_one()
        settlement = (
            self.env["collection.settlement"]
            .sudo()
            .create(
                {
                    "ticket_id": self.id,
                    "reason_id": (interaction.resolution_id or interaction.reason_id).id,
                    "amount_overdue": self.amount_overdue or self.partner_overdue_amount,
                    "note": interaction.note,
                }
            )
        )
        approver = self.team_id.user_id or self.env.ref("base.user_admin")
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Approve or reject the settlement of %s", self.partner_id.name),
            user_id=approver.id,
        )
        return settlement

    def _collection_hand_over(self):
        """Hand cases over to the next team: their level's ``hand_over_team_id``.

        Called by the daily run, in the same run, for cases entering a level that
        names a team to hand over to. This records the hand-over on the agent's
        case; an add-on that runs the next team's work (Asset Recovery) overrides
        it to open that team's own case.
        """
        today = fields.Date.context_today(self)
        self._collection_as_owner().write({"collection_escalation_date": today})
        self._message_log_batch(
            bodies={
                ticket.id: self.env._(
                    "Handed over to %(team)s: %(dpd)s days past due (%(level)s).",
                    team=ticket.collection_level_id.hand_over_team_id.display_name,
                    dpd=ticket.collection_dpd,
                    level=ticket.collection_level_id.display_name,
                )
                for ticket in self
            }
        )
