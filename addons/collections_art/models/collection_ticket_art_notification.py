from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError


class CollectionTicketArtNotification(models.AbstractModel):
    """Validation of an Asset Recovery case and the recovery notification it
    sends; the case reads notified only once a channel really went out."""

    _name = "collection.ticket.art.notification"
    _description = "Asset Recovery Validation and Notification"

    def _art_validate(self):
        """Rule (ART SOP): validate the case - the overdue is real, the asset is on
        record - and send the recovery notification by email and WhatsApp, both
        within 24 hours of the hand-over."""
        now = fields.Datetime.now()
        for case in self:
            if case.art_validated_date:
                raise UserError(self.env._("Case %s is already validated.", case.number))
            if not case.partner_id.commercial_partner_id._collection_overdue_amounts(
                case.company_id
            ):
                raise UserError(
                    self.env._(
                        "Nothing is overdue for %s any more: close the case instead.",
                        case.partner_id.name,
                    )
                )
            if not case.purifier_id:
                raise UserError(
                    self.env._(
                        "The asset is not on record: set the case's Purifier ID before validating."
                    )
                )
            case._collection_check_contact("email", self.env._("The recovery notification"))
            case._collection_as_owner().write(
                {
                    "art_validated_date": now,
                    "art_validated_by_id": self.env.user.id,
                    "art_visit_deadline": now + timedelta(hours=case.company_id.art_visit_hours),
                    "stage_id": self.env.ref("collections_art.stage_validated").id,
                }
            )
            case._art_send_recovery_notification()
        return True

    def _art_send_recovery_notification(self):
        """Send the recovery notification by email and WhatsApp; the case reads
        notified only once one of them actually went out (``_art_mark_notified``),
        so the 24-hour SLA never shows on time for a message that did not leave."""
        self.ensure_one()
        template = self.env.ref("collections_art.mail_template_recovery_notification")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .browse(template.sudo().send_mail(self.id, email_values={"auto_delete": False}))
        )
        text = self.env.ref("collections_art.sms_template_recovery_notification")._render_field(
            "body", self.ids, compute_lang=True
        )[self.id]
        state, reason, number = self.env["collection.channel.provider"]._send_case_whatsapp(
            self, text, f"art-notification-{self.id}"
        )
        vals = {"art_notification_mail_id": mail.id}
        whatsapp_sent = state == "sent"
        if state == "no_number":
            self._message_log(
                body=self.env._(
                    "WhatsApp recovery notification not sent: %s has no valid phone number.",
                    self.partner_id.display_name,
                )
            )
        elif state in ("no_provider", "manual"):
            vals["art_notification_activity_id"] = self._art_hand_notification_to_officer(
                number, text
            ).id
        else:
            self._message_log(
                body=self.env._("WhatsApp recovery notification sent to %s.", number)
                if whatsapp_sent
                else self.env._("WhatsApp recovery notification not sent: %s", reason)
            )
        self._collection_as_owner().write(vals)
        if whatsapp_sent:
            self._art_mark_notified()

    def _art_hand_notification_to_officer(self, number, text):
        """No WhatsApp gateway: the officer gets a to-do with the text to send."""
        self.ensure_one()
        return self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Send the recovery notification by WhatsApp to %s", number),
            note=text,
            user_id=(self.user_id or self.env.user).id,
        )

    def _art_mark_notified(self):
        """The customer was notified: the first channel that went out sets the
        date, and the case moves to Notice Sent."""
        stage_validated = self.env.ref("collections_art.stage_validated")
        stage_notice = self.env.ref("collections_art.stage_notice_sent")
        now = fields.Datetime.now()
        for case in self.filtered(lambda c: not c.art_notified_date):
            vals = {"art_notified_date": now}
            if case.stage_id == stage_validated:
                vals["stage_id"] = stage_notice.id
            case.sudo()._collection_as_owner().write(vals)
