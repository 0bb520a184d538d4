from odoo import api, fields, models


class CollectionLegalNotice(models.Model):
    """A legal notice with its response window; unanswered, the account is an NPA."""

    _name = "collection.legal.notice"
    _description = "Legal Notice"
    _inherit = ["collection.action.guard", "collection.legal.notice.delivery"]
    _order = "sent_date desc, id desc"
    # The notice's life (sent, its window, its PDF, its outcome) is the run's
    # and _send()'s: the NPA flag follows from it.
    _collection_action_fields = (
        "state",
        "sent_date",
        "response_deadline",
        "attachment_id",
        "outcome",
        "amount_overdue",
        "mail_id",
        "email_state",
        "email_failure_reason",
    )

    name = fields.Char(compute="_compute_name", store=True)
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", string="Case", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="ticket_id.commercial_partner_id", store=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_overdue = fields.Monetary(currency_field="currency_id", readonly=True)
    sent_date = fields.Datetime(
        readonly=True, help="When the notice's email left: its response window starts then."
    )
    response_deadline = fields.Date(readonly=True)
    response_days_left = fields.Integer(
        string="Days Left",
        compute="_compute_response_days_left",
        help="Days the customer has left to answer a sent notice: the countdown of "
        "the response window; 0 on its last day, negative once it is over.",
    )
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="Notice PDF", readonly=True
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("issued", "Issued, Email Queued"),
            ("sent", "Waiting for Answer"),
            ("answered", "Answered"),
            ("npa", "NPA"),
        ],
        default="draft",
        required=True,
        index=True,
    )
    outcome = fields.Char(readonly=True)
    # Issue 12: what became of the notice's email, read back from Odoo's mail queue.
    mail_id = fields.Many2one(
        comodel_name="mail.mail", string="Email", readonly=True, copy=False, ondelete="set null"
    )
    email_state = fields.Selection(
        selection=[("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
        string="Email Status",
        readonly=True,
        copy=False,
        help="Queued: handed to the mail queue, not left yet. Sent: the mail server "
        "took it; the response window started then. Failed: it did not leave (the "
        "reason says why); the notice is back in draft, to be sent again.",
    )
    email_failure_reason = fields.Char(string="Email Failure", readonly=True, copy=False)

    def _collection_initial_values(self):
        """Rule: a notice starts as an unsent draft, without a date, a window,
        a PDF or an outcome. Created already sent with a past deadline, the next
        run would mark the customer NPA without any notice having gone out."""
        return {
            "state": "draft",
            "sent_date": False,
            "response_deadline": False,
            "attachment_id": False,
            "outcome": False,
            "amount_overdue": 0.0,
            "mail_id": False,
            "email_state": False,
            "email_failure_reason": False,
        }

    def _collection_locked_fields(self):
        """Rule: a notice that went out stays about the case it was sent for."""
        locked = super()._collection_locked_fields()
        if self.state != "draft":
            locked.add("ticket_id")
        return locked

    @api.depends("ticket_id.number", "partner_id.name")
    def _compute_name(self):
        for notice in self:
            notice.name = self.env._(
                "Legal notice %(case)s - %(partner)s",
                case=notice.ticket_id.number or "",
                partner=notice.partner_id.name or "",
            )

    @api.depends("response_deadline", "state")
    def _compute_response_days_left(self):
        today = fields.Date.context_today(self)
        for notice in self:
            notice.response_days_left = (
                (notice.response_deadline - today).days
                if notice.state == "sent" and notice.response_deadline
                else 0
            )

    def _answered_since_sent(self):
        """Notices whose customer paid something or was in contact since the notice."""
        periods = {
            notice.id: (
                notice.partner_id.id,
                notice.sent_date.date(),
                fields.Date.today(),
                notice.company_id.id,
            )
            for notice in self
        }
        paid = self.env["res.partner"]._collection_paid_amounts(periods)
        last_contact = dict(
            self.env["collection.interaction"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    "|",
                    ("is_contact", "=", True),
                    ("direction", "=", "inbound"),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        return self.filtered(
            lambda n: (
                paid.get(n.id)
                or (last_contact.get(n.partner_id) and last_contact[n.partner_id] >= n.sent_date)
            )
        )

    @api.model
    def _cron_check_notices(self):
        """A payment or a contact answers a notice; silence past its window makes
        the account an NPA. Notices of customers in a settlement are left as they
        are (``collection.settlement._collection_in_settlement``)."""
        today = fields.Date.context_today(self)
        waiting = self.sudo().search([("state", "=", "sent")])
        # Settlement: the customer's notices wait, neither answered nor NPA.
        settling = self.env["collection.settlement"]._collection_in_settlement(waiting.ticket_id)
        waiting = waiting.filtered(lambda notice: notice.ticket_id not in settling)
        answered = waiting._answered_since_sent()
        answered._collection_action_write(
            {"state": "answered", "outcome": self.env._("Payment or contact received")}
        )
        expired = (waiting - answered).filtered(lambda n: n.response_deadline < today)
        expired._collection_action_write(
            {"state": "npa", "outcome": self.env._("No answer within the window")}
        )
        # NPA is per company: the flag is written for each notice's company.
        for company, notices in expired.grouped("company_id").items():
            notices.partner_id.with_company(company).write({"is_npa": True, "npa_date": today})
        expired.ticket_id.write({"stage_id": self.env.ref("collections_art.stage_npa").id})
        for notice in expired:
            notice.ticket_id._message_log(
                body=self.env._(
                    "No payment and no contact since the legal notice of %s: account marked NPA.",
                    notice.sent_date.date(),
                )
            )
