from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CollectionLegalNotice(models.Model):
    """A legal notice with its response window; unanswered, the account is an NPA."""

    _name = "collection.legal.notice"
    _description = "Legal Notice"
    _inherit = ["collection.action.guard"]
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
    )

    name = fields.Char(compute="_compute_name", store=True)
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", string="Case", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="ticket_id.commercial_partner_id", store=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_overdue = fields.Monetary(currency_field="currency_id", readonly=True)
    sent_date = fields.Datetime(readonly=True)
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
            ("sent", "Waiting for Answer"),
            ("answered", "Answered"),
            ("npa", "NPA"),
        ],
        default="draft",
        required=True,
        index=True,
    )
    outcome = fields.Char(readonly=True)

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

    def _send(self):
        """Render the PDF, send it by email and WhatsApp, start the response window."""
        self._check_can_send()
        now = fields.Datetime.now()
        for notice in self:
            notice._start_response_window(now)
            notice._attach_pdf()
            notice._send_email()
            whatsapp = notice._send_whatsapp_copy()
            notice._log_issued(whatsapp)
        return self

    def _check_can_send(self):
        """Rule: a notice goes out once, and only to a customer the contact rules
        let us email (opt-outs, hours)."""
        if any(notice.state != "draft" for notice in self):
            raise UserError(self.env._("This legal notice was already sent."))
        settling = self.env["collection.settlement"]._collection_in_settlement(self.ticket_id)
        if settling:
            raise UserError(
                self.env._(
                    "%s is in a settlement (death or financial distress): no legal notice "
                    "is sent while it is proposed or approved.",
                    settling[0].partner_id.name,
                )
            )
        self.ticket_id._collection_check_contact("email", self.env._("The legal notice"))

    def _start_response_window(self, now):
        """Rule: the customer has the company's ``art_notice_days`` from the day the
        notice is sent to answer; the amount it claims is the case's overdue amount
        (the customer's, when the case itself shows none)."""
        self.ensure_one()
        case = self.ticket_id
        self._collection_action_write(
            {
                "state": "sent",
                "sent_date": now,
                "amount_overdue": case.amount_overdue or case.partner_overdue_amount,
                "response_deadline": fields.Date.context_today(self, now)
                + timedelta(days=case.company_id.art_notice_days),
            }
        )

    def _attach_pdf(self):
        """The notice's PDF, kept on the case."""
        self.ensure_one()
        case = self.ticket_id
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "collections_art.action_report_legal_notice", self.ids
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name}.pdf",
                "type": "binary",
                "raw": pdf,
                "res_model": case._name,
                "res_id": case.id,
                "mimetype": "application/pdf",
            }
        )
        self._collection_action_write({"attachment_id": attachment.id})

    def _send_email(self):
        """The notice by email, its PDF attached (queued in Odoo's mail queue)."""
        self.ensure_one()
        template = self.env.ref("collections_art.mail_template_legal_notice")
        template.sudo().send_mail(self.id, email_values={"attachment_ids": [self.attachment_id.id]})

    def _send_whatsapp_copy(self):
        """A WhatsApp copy through the company's provider; returns what became of
        it, as the chatter says it."""
        self.ensure_one()
        case = self.ticket_id
        state, reason, _number = self.env["collection.channel.provider"]._send_case_whatsapp(
            case,
            self.env._(
                "Legal notice: %(amount)s is overdue. Answer by %(date)s to avoid legal "
                "action (ref %(case)s).",
                amount=self.amount_overdue,
                date=self.response_deadline,
                case=case.number,
            ),
            f"legal-notice-{self.id}",
        )
        return self.env._("sent") if state == "sent" else reason

    def _log_issued(self, whatsapp):
        """The case moves to the legal stage; what became of the WhatsApp copy is
        said, not dropped."""
        self.ensure_one()
        case = self.ticket_id
        case.sudo().write({"stage_id": self.env.ref("collections_art.stage_legal").id})
        case._message_log(
            body=self.env._(
                "Legal notice issued (its email queued); answer expected by %(date)s. "
                "WhatsApp copy: %(whatsapp)s.",
                date=self.response_deadline,
                whatsapp=whatsapp,
            ),
            attachment_ids=self.attachment_id.ids,
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
