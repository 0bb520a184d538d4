from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CollectionLegalNoticeDelivery(models.AbstractModel):
    """How a legal notice reaches the customer: issued (its PDF rendered and
    kept on the case, its email queued, a WhatsApp copy sent), then served when
    Odoo's mail queue reports the email left (the response window starts), or
    back in draft when it failed. Mixed into ``collection.legal.notice``."""

    _name = "collection.legal.notice.delivery"
    _description = "Legal Notice Delivery"

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
