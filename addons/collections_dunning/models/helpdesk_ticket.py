from odoo import api, fields, models

# What only collection staff may read: amounts owed and charged.
COLLECTION_FINANCE_GROUPS = "collections_dunning.group_collection_agent"


class HelpdeskTicket(models.Model):
    """A helpdesk ticket as Collections works it. Each feature keeps its fields
    and logic in its own file: the mixins below (purifier, transfer, callback,
    tech visit, documents and links, hand-over and legal stage, owned fields) and
    the models that own the work (penal charges, agency placements, payment plans,
    invoices). The ticket keeps the case's figures and the buttons' entry points."""

    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        # before the owned fields: it adds its own to _collection_owned_fields()
        "collection.ticket.recovery",
        "collection.contact.guard",
        "collection.ticket.owned.fields",
        "collection.ticket.case",
        "collection.ticket.desk",
        "collection.ticket.purifier",
        "collection.ticket.transfer",
        "collection.ticket.callback",
        "collection.ticket.tech.visit",
        "collection.ticket.documents",
        "collection.ticket.service.pause",
        "collection.ticket.hand.over",
        "collection.ticket.service.issue",
        "collection.ticket.placeholders",
    ]

    # The collection Kanban: each stage's column lists its cases by days past due
    # (the view's default order). On the days past due index alone, a column
    # whose cases are less late than the others' read every case ahead of them.
    _collection_stage_dpd_idx = models.Index("(stage_id, collection_dpd)")

    is_collection_ticket = fields.Boolean(
        string="In Collections",
        related="team_id.is_collection_team",
        store=True,
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    partner_overdue_amount = fields.Monetary(
        string="Customer Overdue",
        currency_field="company_currency_id",
        compute="_compute_partner_overdue_amount",
        groups=COLLECTION_FINANCE_GROUPS,
        help="What the customer owes on invoices past their due date.",
    )
    # The case's figures, kept up to date by the daily run (collection.run).
    collection_level_amount = fields.Monetary(
        string="Overdue On Entering Level",
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
        groups=COLLECTION_FINANCE_GROUPS,
    )
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
    claim_ids = fields.One2many(
        comodel_name="collection.claim", inverse_name="ticket_id", string="Claimed Promises"
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

    @api.depends("partner_id", "company_id")
    def _compute_partner_overdue_amount(self):
        self.partner_overdue_amount = 0.0
        for company, tickets in self.filtered("partner_id").grouped("company_id").items():
            amounts = tickets.partner_id._collection_overdue_amounts(company)
            for ticket in tickets:
                ticket.partner_overdue_amount = amounts.get(
                    ticket.partner_id.commercial_partner_id.id, 0.0
                )

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

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """On the collection Kanban, the columns are the team's buckets, even empty."""
        team_id = self.env.context.get("collection_bucket_team_id")
        if not team_id:
            return super()._read_group_stage_ids(stages, domain)
        return stages.search(["|", ("id", "in", stages.ids), ("team_ids", "=", team_id)])

    # Buttons: each feature's entry point, its logic where the feature lives.
    def action_transfer_to_collections(self):
        """Open the transfer wizard, after refusing what Collections cannot take."""
        return self._collection_transfer_action()

    def action_send_to_operations(self):
        """Hand a tech-visit request to the field team once nothing is overdue."""
        return self._collection_send_to_operations()

    def action_post_penal_charges(self):
        """Invoice the penal charges due, once per case and month (managers)."""
        return self.env["collection.penal.charge"]._post_for_tickets(self)

    def action_recall_from_agency(self):
        """Take the cases back from their agency (collection managers, as placing them)."""
        return self.env["collection.agency.placement"]._recall_tickets(self)

    def action_send_notice_of_default(self):
        return self._collection_document_action(
            "collections_dunning.mail_template_notice_of_default"
        )

    def action_send_statement(self):
        return self._collection_document_action("collections_dunning.mail_template_statement")

    def action_send_payment_link(self):
        """Send the customer a payment link for each overdue invoice."""
        return self._collection_send_payment_links()

    def action_send_pause_link(self):
        """Support's button: out of station (with a reason), invoice the configured
        service pause fee and send its link; a second request within the window
        goes to Collections instead."""
        return self._collection_send_pause_request()

    def action_record_claim(self):
        """Support's button: record a promise of validity or a discount the
        customer says they were given, for a verifier to confirm or reject."""
        return self.env["collection.claim"]._action_new_for(self)

    def action_new_commitment_letter(self):
        """The agent's "Commitment Letter": a signed commitment to pay within the
        company's days, kept or broken like a promise."""
        return self.env["collection.promise"]._action_new_commitment_letter(self)

    def action_log_contact(self):
        """The "Log contact" dialog: the three dependent disposition layers."""
        return self._collection_log_contact_action()

    def action_new_payment_plan(self):
        return self.env["collection.payment.plan"]._action_new_for(self, is_refinancing=False)

    def action_open_refinancing_plan(self):
        """A customer with liquidity problems who is willing to pay moves to a
        refinancing plan instead of standard reminders."""
        return self.env["collection.payment.plan"]._action_new_for(self, is_refinancing=True)

    def _collection_owned_fields(self):
        """The pause link's date is written by the pause action only."""
        return super()._collection_owned_fields() | {"pause_link_date"}

    def _collection_place_with(self, agency):
        """Place the cases with an agency (recalling them from any other first)."""
        self.env["collection.agency.placement"]._place_tickets(self, agency)
