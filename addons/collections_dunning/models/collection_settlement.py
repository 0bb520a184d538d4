from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from ..engine import cases


class CollectionSettlement(models.Model):
    """Standard recovery stopped (death, verified financial distress): a settlement
    proposal waits for a manager's decision."""

    _name = "collection.settlement"
    _inherit = ["collection.case.mixin", "collection.action.guard"]
    _description = "Collection Settlement"
    _order = "id desc"
    _collection_action_fields = (
        "state",
        "decided_by_id",
        "decision_date",
        "requested_by_id",
        "amount_overdue",
        "ticket_id",
        "credit_note_id",
    )

    reason_id = fields.Many2one(comodel_name="collection.disposition")
    amount_overdue = fields.Monetary(currency_field="currency_id", readonly=True)
    amount_proposed = fields.Monetary(
        currency_field="currency_id",
        string="Amount to Pay",
        help="What the customer (or the estate) still pays under the settlement; the "
        "rest of the overdue amount is written off by a credit note when approved.",
    )
    amount_written_off = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_amount_written_off",
        help="Overdue amount less the amount to pay: credited to the customer when "
        "the settlement is approved.",
    )
    credit_note_id = fields.Many2one(
        comodel_name="account.move",
        string="Write-off Credit Note",
        readonly=True,
        copy=False,
    )
    note = fields.Text()
    requested_by_id = fields.Many2one(
        comodel_name="res.users", default=lambda self: self.env.user, readonly=True
    )
    decided_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    decision_date = fields.Datetime(readonly=True)
    state = fields.Selection(
        selection=[
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="to_approve",
        required=True,
        index=True,
    )

    @api.depends("amount_overdue", "amount_proposed")
    def _compute_amount_written_off(self):
        for settlement in self:
            settlement.amount_written_off = max(
                settlement.amount_overdue - settlement.amount_proposed, 0.0
            )

    @api.constrains("amount_proposed", "amount_overdue")
    def _check_amount_proposed(self):
        """Rule: the amount to pay under a settlement is between nothing (all
        written off) and what is overdue."""
        for settlement in self:
            if not 0.0 <= settlement.amount_proposed <= settlement.amount_overdue:
                raise ValidationError(
                    self.env._(
                        "The amount to pay under the settlement must be between 0 and the "
                        "overdue amount (%s).",
                        format_amount(self.env, settlement.amount_overdue, settlement.currency_id),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """Rule: the overdue amount a settlement is about is the case's when it is
        asked for, whatever the caller sent (the write-off is drawn from it)."""
        Ticket = self.env["helpdesk.ticket"]
        for vals in vals_list:
            if vals.get("ticket_id"):
                vals["amount_overdue"] = self._collection_case_overdue(
                    Ticket.browse(vals["ticket_id"])
                )
        return super().create(vals_list)

    def _collection_locked_fields(self):
        """Rule: once decided, a settlement's terms are what was decided."""
        locked = super()._collection_locked_fields()
        if self.state != "to_approve":
            locked.add("amount_proposed")
        return locked

    def _collection_initial_values(self):
        """Rule: a settlement starts as a request of whoever asks for it, with
        no decision, whatever the caller sent."""
        return {
            "state": "to_approve",
            "requested_by_id": self.env.uid,
            "decided_by_id": False,
            "decision_date": False,
            "credit_note_id": False,
        }

    def _check_can_decide(self, state):
        """Rule: only a collections manager decides, once, and never on a
        settlement they asked for themselves (four eyes: stopping recovery
        forgives money)."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(self.env._("Only a collections manager decides on a settlement."))
        for settlement in self:
            if settlement.state != "to_approve":
                raise UserError(self.env._("This settlement was already decided."))
            if state == "approved" and settlement.requested_by_id == self.env.user:
                raise UserError(
                    self.env._("You asked for this settlement: another manager must approve it.")
                )

    def _decide(self, state):
        self._check_can_decide(state)
        for settlement in self:
            settlement._collection_action_write(
                {
                    "state": state,
                    "decided_by_id": self.env.user.id,
                    "decision_date": fields.Datetime.now(),
                }
            )
            if state == "approved":
                settlement._request_penal_waiver()
                settlement._write_off()
                settlement._report_settled()
            settlement.ticket_id.message_post(
                body=self.env._(
                    "Settlement %(state)s by %(user)s.",
                    state=dict(self._fields["state"].selection)[state].lower(),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _request_penal_waiver(self):
        """Rule: an approved settlement forgives the penal charges still due, but
        through an ordinary waiver, not by itself. The manager who approved the
        settlement asks for it: at or below the waiver threshold their approval
        is enough (it is approved at once, as any manager's small waiver);
        above it the waiver waits for a second manager, so a settlement never
        forgives a large penal balance on one person's word."""
        self.ensure_one()
        balance = self.ticket_id.penal_balance
        if balance <= 0:
            return self.env["collection.penal.waiver"]
        return self.env["collection.penal.waiver"].create(
            {
                "ticket_id": self.ticket_id.id,
                "amount": balance,
                "reason": self.env._("Settlement"),
            }
        )

    def _write_off(self):
        """Rule (lending flow: settlement for death or verified distress): an
        approved settlement forgives the written-off part through accounting, not
        as a number on the case: a posted credit note of that amount, reconciled
        with the case's open invoices, oldest due first. The case then closes as
        any paid case does once nothing is overdue."""
        self.ensure_one()
        amount = self.currency_id.round(self.amount_written_off)
        case = self.ticket_id.sudo()
        invoices = self._open_invoices()
        amount = min(amount, sum(invoices.mapped("amount_residual")))
        if self.currency_id.compare_amounts(amount, 0.0) <= 0:
            return self.env["account.move"]
        refund = (
            self.env["account.move"]
            .sudo()
            .with_company(case.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": case.partner_id.commercial_partner_id.id,
                    "company_id": case.company_id.id,
                    "invoice_origin": case.number,
                    "ref": self.env._("Settlement write-off of %s", case.number),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": self.env._(
                                    "Settlement write-off (%(reason)s), case %(case)s",
                                    reason=self.reason_id.name or self.env._("settlement"),
                                    case=case.number,
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
        refund.action_post()
        receivable = (refund | invoices).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        receivable.reconcile()
        self._collection_action_write({"credit_note_id": refund.id})
        case._message_log(
            body=self.env._(
                "Settlement approved: %(amount)s written off by credit note %(refund)s.",
                amount=format_amount(self.env, amount, self.currency_id),
                refund=refund.name,
            )
        )
        self._close_if_nothing_overdue()
        return refund

    def _report_settled(self):
        """Rule (lending flow, bureau reporting; issue 12): a customer whose
        settlement is approved is reported ``settled`` to the credit bureau from
        that day. The status is a decision's (``FINAL_BUREAU_STATUSES``): the daily
        run's days-past-due buckets never overwrite it
        (``res.partner._collection_update_bureau_status``)."""
        self.ensure_one()
        self.ticket_id.commercial_partner_id._collection_set_bureau_status("settled")
        self.ticket_id.sudo()._message_log(
            body=self.env._("Credit bureau status: settled (settlement approved).")
        )

    def _open_invoices(self):
        """The case's invoices with something left to pay, oldest due first (the
        customer's in the case's company when the case lists none)."""
        self.ensure_one()
        case = self.ticket_id.sudo()
        invoices = case.overdue_invoice_ids.filtered(lambda move: move.amount_residual > 0)
        if not invoices:
            invoices = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("commercial_partner_id", "=", case.partner_id.commercial_partner_id.id),
                        ("company_id", "=", case.company_id.id),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("amount_residual", ">", 0),
                    ]
                )
            )
        return invoices.sorted(lambda move: (move.invoice_date_due or fields.Date.today(), move.id))

    def _close_if_nothing_overdue(self):
        """Rule: once the write-off leaves nothing overdue for the customer, the
        case closes at once as paid (the daily run would close it the next day)."""
        case = self.ticket_id.sudo()
        if case.stage_id.closed:
            return
        overdue = case.partner_id._collection_overdue_amounts(case.company_id)
        if not overdue.get(case.partner_id.commercial_partner_id.id):
            cases.close_paid_cases(self.env["collection.run"]._tickets().browse(case.ids))

    @api.model
    def _collection_in_settlement(self, tickets):
        """Rule (lending flow: settlement for death or verified distress): while a
        settlement of a customer is proposed or approved, the customer's cases
        leave the recovery path entirely: no level move, no hand-over, no penal
        accrual, no reminder, no Slack post, no legal notice and no NPA. Returns
        those of ``tickets`` (cases, or any ticket about the customer, such as an
        Asset Recovery case) whose customer has such a settlement in the ticket's
        company, on a case still open (a settled and closed case does not keep
        the customer out of recovery for good); one grouped query for any number
        of tickets."""
        if not tickets:
            return tickets
        rows = self.sudo()._read_group(
            [
                ("partner_id", "in", tickets.commercial_partner_id.ids),
                ("company_id", "in", tickets.company_id.ids),
                ("state", "in", ["to_approve", "approved"]),
                ("ticket_id.stage_id.closed", "=", False),
            ],
            ["partner_id", "company_id"],
        )
        settling = {(partner.id, company.id) for partner, company in rows}
        return tickets.filtered(
            lambda ticket: (ticket.commercial_partner_id.id, ticket.company_id.id) in settling
        )

    def action_approve(self):
        self._decide("approved")
        return True

    def action_reject(self):
        self._decide("rejected")
        return True
