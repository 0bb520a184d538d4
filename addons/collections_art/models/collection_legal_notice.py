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

    def _send(self):
        """Render the PDF and issue it: its email queued, a WhatsApp copy sent.
        The response window starts when the email actually leaves
        (``_update_from_mails``), not when it is queued."""
        self._check_can_send()
        for notice in self:
            notice._issue()
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

    def _issue(self):
        """The notice is issued: the amount it claims is the case's overdue amount
        (the customer's, when the case itself shows none), and the answer date it
        states is ``art_notice_days`` from today. It waits for its email to leave
        (``issued``); nothing counts down yet."""
        self.ensure_one()
        case = self.ticket_id
        self._collection_action_write(
            {
                "state": "issued",
                "sent_date": False,
                "amount_overdue": case.amount_overdue or case.partner_overdue_amount,
                "response_deadline": fields.Date.context_today(self)
                + timedelta(days=case.company_id.art_notice_days),
                "outcome": False,
                "email_state": "queued",
                "email_failure_reason": False,
            }
        )

    def _start_response_window(self, sent_at):
        """Rule (issue 12; 15 days to answer, then NPA): the customer has the
        company's ``art_notice_days`` to answer from the moment the notice's email
        left, not from when it was queued: a notice that never reached the
        customer starts no countdown to NPA. The window never ends before the
        date the notice itself states (an email that left a day late gives the
        customer a day more, never a day less)."""
        for notice in self:
            days = notice.company_id.art_notice_days
            deadline = fields.Date.context_today(notice, sent_at) + timedelta(days=days)
            notice.sudo()._collection_action_write(
                {
                    "state": "sent",
                    "sent_date": sent_at,
                    "response_deadline": max(deadline, notice.response_deadline or deadline),
                    "email_state": "sent",
                    "email_failure_reason": False,
                }
            )
            notice.ticket_id.sudo()._message_log(
                body=self.env._(
                    "Legal notice email sent to %(customer)s: the response window runs "
                    "until %(date)s.",
                    customer=notice.partner_id.name,
                    date=notice.response_deadline,
                )
            )

    def _email_failed(self):
        """Rule (issue 12): a notice whose email did not leave was not served: it
        goes back to draft, to be sent again, starts no window, and the case's
        officer is told why (a note and an activity on the case)."""
        for notice in self:
            reason = notice.mail_id.failure_reason or self.env._("The email could not be sent.")
            notice.sudo()._collection_action_write(
                {
                    "state": "draft",
                    "sent_date": False,
                    "response_deadline": False,
                    "email_state": "failed",
                    "email_failure_reason": reason,
                }
            )
            case = notice.ticket_id.sudo()
            message = self.env._(
                "The legal notice's email to %(customer)s failed: %(reason)s. The notice "
                "is back in draft: correct the customer's email and send it again.",
                customer=notice.partner_id.name,
                reason=reason,
            )
            case._message_log(body=message)
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Legal notice email failed"),
                note=message,
                user_id=(case.user_id or case.team_id.user_id or self.env.user).id,
            )

    @api.model
    def _update_from_mails(self, mails):
        """The notices whose email the mail queue sent or gave up on read what
        became of it (called from ``mail.mail._postprocess_sent_message``)."""
        notices = self.sudo().search([("mail_id", "in", mails.ids), ("state", "=", "issued")])
        if not notices:
            return
        now = fields.Datetime.now()
        notices.filtered(
            lambda notice: notice.mail_id.state in ("sent", "received")
        )._start_response_window(now)
        notices.filtered(
            lambda notice: notice.mail_id.state in ("exception", "cancel")
        )._email_failed()

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
        """The notice by email, its PDF attached, queued in Odoo's mail queue; the
        email is kept on the notice (never auto-deleted) so its outcome is read
        back."""
        self.ensure_one()
        template = self.env.ref("collections_art.mail_template_legal_notice")
        mail_id = template.sudo().send_mail(
            self.id,
            email_values={"attachment_ids": [self.attachment_id.id], "auto_delete": False},
        )
        self._collection_action_write({"mail_id": mail_id})

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
                "Legal notice issued, its email queued: the response window (answer "
                "by %(date)s at the earliest) starts when the email leaves. WhatsApp "
                "copy: %(whatsapp)s.",
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
