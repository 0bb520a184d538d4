from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.collections_dunning.sla import SLA_STATES, sla_done, sla_search, sla_state

# Issue 10: officers work with the overdue amount of their cases, as agents do.
ART_FINANCE_GROUPS = "collections_dunning.group_collection_agent,collections_art.group_art_officer"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    amount_overdue = fields.Monetary(groups=ART_FINANCE_GROUPS)
    partner_overdue_amount = fields.Monetary(groups=ART_FINANCE_GROUPS)
    is_art_case = fields.Boolean(
        string="Asset Recovery Case", related="team_id.is_art_team", store=True
    )
    art_source_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="From Collection Case",
        readonly=True,
        index="btree_not_null",
        copy=False,
    )
    art_case_ids = fields.One2many(
        comodel_name="helpdesk.ticket",
        inverse_name="art_source_ticket_id",
        string="Asset Recovery Cases",
    )
    art_received_date = fields.Datetime(string="Received", readonly=True, copy=False)
    art_validation_deadline = fields.Datetime(string="Validate By", readonly=True, copy=False)
    art_validated_date = fields.Datetime(string="Validated", readonly=True, copy=False)
    art_validated_by_id = fields.Many2one(
        comodel_name="res.users", string="Validated By", readonly=True, copy=False, tracking=True
    )
    art_notified_date = fields.Datetime(
        string="Recovery Notification Sent",
        readonly=True,
        copy=False,
        help="When the customer was actually notified: the recovery email sent by the "
        "mail queue, the WhatsApp message accepted by the gateway, or sent by hand "
        "(the officer's to-do marked done), whichever came first.",
    )
    art_notification_mail_id = fields.Many2one(
        comodel_name="mail.mail", readonly=True, copy=False, index="btree_not_null"
    )
    art_notification_activity_id = fields.Many2one(
        comodel_name="mail.activity", readonly=True, copy=False, index="btree_not_null"
    )
    art_validation_sla_state = fields.Selection(
        selection=SLA_STATES,
        string="Validation SLA",
        compute="_compute_art_sla_states",
        search="_search_art_validation_sla_state",
    )
    art_visit_deadline = fields.Datetime(string="Visit By", readonly=True, copy=False)
    art_first_visit_date = fields.Datetime(string="First Visit", readonly=True, copy=False)
    art_visit_sla_state = fields.Selection(
        selection=SLA_STATES,
        string="Visit SLA",
        compute="_compute_art_sla_states",
        search="_search_art_visit_sla_state",
    )
    art_late_alerted = fields.Boolean(readonly=True, copy=False)
    art_visit_late_alerted = fields.Boolean(readonly=True, copy=False)
    art_asset_returned_date = fields.Datetime(
        string="Asset Returned", readonly=True, copy=False, tracking=True
    )
    art_visit_ids = fields.One2many(
        comodel_name="collection.art.visit", inverse_name="ticket_id", string="Visits"
    )
    art_slack_message_ids = fields.One2many(
        comodel_name="collection.slack.message", inverse_name="ticket_id", string="Slack Posts"
    )
    art_notice_ids = fields.One2many(
        comodel_name="collection.legal.notice", inverse_name="ticket_id", string="Legal Notices"
    )
    partner_is_npa = fields.Boolean(string="NPA", related="commercial_partner_id.is_npa")

    @api.depends(
        "art_validation_deadline",
        "art_validated_date",
        "art_notified_date",
        "art_visit_deadline",
        "art_first_visit_date",
    )
    def _compute_art_sla_states(self):
        """The SLA rule (collections_dunning's ``sla.py``) twice: validation is
        done once the case is validated and the customer notified, the visit
        SLA once the first field visit took place."""
        now = fields.Datetime.now()
        for ticket in self:
            ticket.art_validation_sla_state = sla_state(
                ticket.art_validation_deadline,
                sla_done(ticket.art_validated_date, ticket.art_notified_date),
                now,
            )
            ticket.art_visit_sla_state = sla_state(
                ticket.art_visit_deadline, ticket.art_first_visit_date, now
            )

    def _search_art_validation_sla_state(self, operator, value):
        return sla_search(
            operator, value, "art_validation_deadline", ["art_validated_date", "art_notified_date"]
        )

    def _search_art_visit_sla_state(self, operator, value):
        return sla_search(operator, value, "art_visit_deadline", ["art_first_visit_date"])

    def _collection_owned_fields(self):
        """Issue 10: the Asset Recovery dates, validator, alerts and source case are
        written by the hand-over, the officer actions, the visits and the SLA cron
        only, never by hand."""
        return super()._collection_owned_fields() | {
            "art_source_ticket_id",
            "art_received_date",
            "art_validation_deadline",
            "art_validated_date",
            "art_validated_by_id",
            "art_notified_date",
            "art_notification_mail_id",
            "art_notification_activity_id",
            "art_visit_deadline",
            "art_first_visit_date",
            "art_late_alerted",
            "art_visit_late_alerted",
            "art_asset_returned_date",
        }

    # ------------------------------------------------------------------
    # Hand-over from Collections
    # ------------------------------------------------------------------

    def _collection_is_handover(self):
        # An Asset Recovery case is opened by the hand-over, not by Support.
        return super()._collection_is_handover() and not self.art_source_ticket_id

    def _collection_hand_over(self):
        """Cases handed over to an Asset Recovery team get an Asset Recovery case."""
        res = super()._collection_hand_over()
        self.filtered("collection_level_id.hand_over_team_id.is_art_team")._art_open_cases()
        return res

    def _art_open_cases(self):
        """Open an Asset Recovery case for each collection case that has none open,
        in the Asset Recovery team its level hands it over to (else its company's)."""
        sources = self.filtered(
            lambda ticket: not ticket.art_case_ids.filtered(lambda case: not case.stage_id.closed)
        )
        if not sources:
            return self.browse()
        now = fields.Datetime.now()
        stage_received = self.env.ref("collections_art.stage_received")
        vals_list = []
        for (company, team), tickets in sources.grouped(
            lambda ticket: (ticket.company_id, ticket._art_hand_over_team())
        ).items():
            if not team:
                continue
            officers = team._collection_assign_agents(len(tickets))
            for ticket, officer in zip(tickets, officers, strict=True):
                vals_list.append(
                    {
                        "name": self.env._("Asset recovery: %s", ticket.partner_id.name),
                        "description": ticket.description,
                        "partner_id": ticket.partner_id.id,
                        "partner_name": ticket.partner_id.name,
                        "partner_email": ticket.partner_id.email,
                        "company_id": company.id,
                        "team_id": team.id,
                        "stage_id": stage_received.id,
                        "user_id": officer.id,
                        "purifier_id": ticket.purifier_id,
                        "priority": ticket.priority,
                        "art_source_ticket_id": ticket.id,
                        "art_received_date": now,
                        "art_validation_deadline": now
                        + timedelta(hours=company.art_validation_hours),
                        "amount_overdue": ticket.amount_overdue,
                        "collection_dpd": ticket.collection_dpd,
                        "collection_due_date": ticket.collection_due_date,
                        "overdue_invoice_ids": [Command.set(ticket.overdue_invoice_ids.ids)],
                    }
                )
        cases = self.sudo().with_context(mail_create_nosubscribe=True).create(vals_list)
        for case in cases:
            case.art_source_ticket_id._message_log(
                body=self.env._("Handed over to the Asset Recovery Team: case %s.", case.number)
            )
        cases._art_post_urgent()
        return cases

    def _art_hand_over_team(self):
        """The Asset Recovery team a case is handed to: its level's hand-over team
        when that is an Asset Recovery team, else its company's."""
        self.ensure_one()
        team = self.collection_level_id.hand_over_team_id
        return team if team.is_art_team else self.company_id.art_team_id

    def _art_is_urgent(self):
        self.ensure_one()
        threshold = self.company_id.art_urgent_amount
        return self.priority == "3" or bool(threshold and self.amount_overdue >= threshold)

    def _art_post_urgent(self):
        """Urgent cases (priority, or overdue above the company's amount) are
        posted to the Asset Recovery Slack channel."""
        self.env["collection.slack.message"]._enqueue(self.filtered(lambda c: c._art_is_urgent()))

    # ------------------------------------------------------------------
    # Officer actions
    # ------------------------------------------------------------------

    def _art_check_case(self):
        """Issue 10: officer actions are for Asset Recovery officers (and managers)
        on cases they may edit, and for Asset Recovery cases only."""
        if not (self.env.su or self.env.user.has_group("collections_art.group_art_officer")):
            raise AccessError(self.env._("Only Asset Recovery officers act on recovery cases."))
        self.check_access("write")
        for ticket in self:
            if not ticket.is_art_case:
                raise UserError(
                    self.env._("%s is not an Asset Recovery case.", ticket.display_name)
                )

    def action_art_validate(self):
        """Validate the case (the overdue is real, the asset is on record) and send
        the recovery notification by email and WhatsApp: both within 24 hours."""
        self._art_check_case()
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

    def action_art_schedule_visit(self):
        self._art_check_case()
        self.ensure_one()
        if not self.art_validated_date:
            raise UserError(self.env._("Validate the case before planning a visit."))
        visit = self.env["collection.art.visit"].create(
            {
                "ticket_id": self.id,
                "officer_id": (self.user_id or self.env.user).id,
                "scheduled_date": fields.Datetime.now() + timedelta(hours=24),
            }
        )
        return visit._action_open()

    def action_art_send_legal_notice(self):
        self._art_check_case()
        for case in self:
            self.env["collection.legal.notice"].create({"ticket_id": case.id})._send()
        return True

    def action_art_post_slack(self):
        self._art_check_case()
        self.env["collection.slack.message"]._enqueue(self)
        return True

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------

    @api.model
    def _cron_art_sla(self):
        """Raise one manager activity per case whose 24 h validation or 24-48 h
        visit deadline has passed."""
        for field, flag, label in (
            (
                "art_validation_sla_state",
                "art_late_alerted",
                self.env._("validation and recovery notification"),
            ),
            ("art_visit_sla_state", "art_visit_late_alerted", self.env._("first field visit")),
        ):
            late = self.sudo().search(
                [(field, "=", "late"), (flag, "=", False), ("is_art_case", "=", True)]
            )
            for case in late:
                case.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Late %(what)s on %(case)s", what=label, case=case.number),
                    user_id=(case.team_id.user_id or self.env.ref("base.user_admin")).id,
                )
            late.write({flag: True})
