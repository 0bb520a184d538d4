from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.collections_dunning.sla import SLA_STATES, sla_done, sla_search, sla_state

# Issue 10: officers work with the overdue amount of their cases, as agents do.
ART_FINANCE_GROUPS = "collections_dunning.group_collection_agent,collections_art.group_art_officer"


class HelpdeskTicket(models.Model):
    """The ticket as the Asset Recovery Team works it: its fields, SLA and actions.
    The hand-over (``collection.ticket.art.hand.over``) and the validation with its
    recovery notification (``collection.ticket.art.notification``) live in their
    own files."""

    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "collection.ticket.art.hand.over",
        "collection.ticket.art.notification",
    ]

    amount_overdue = fields.Monetary(groups=ART_FINANCE_GROUPS)
    partner_overdue_amount = fields.Monetary(groups=ART_FINANCE_GROUPS)
    collection_amount_overdue_text = fields.Char(groups=ART_FINANCE_GROUPS)
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

    def _collection_hand_over(self, team=None):
        """Cases handed over to an Asset Recovery team get an Asset Recovery case,
        opened first so that the hand-over's one note names it."""
        if team:
            handed = self if team.is_art_team else self.browse()
        else:
            handed = self.filtered("collection_level_id.hand_over_team_id.is_art_team")
        handed._art_open_cases()
        return super()._collection_hand_over(team)

    def _collection_hand_over_notes(self, team=None):
        """The hand-over note also names the Asset Recovery case it opened."""
        notes = super()._collection_hand_over_notes(team)
        for case in self.art_case_ids.filtered(lambda case: not case.stage_id.closed):
            source = case.art_source_ticket_id
            notes[source.id] = self.env._(
                "%(note)s Asset Recovery case: %(case)s.", note=notes[source.id], case=case.number
            )
        return notes

    def _collection_cases_moving_team(self):
        # An Asset Recovery team gets a case of its own; the collection case stays.
        return (
            super()
            ._collection_cases_moving_team()
            .filtered(lambda ticket: not ticket.collection_level_id.hand_over_team_id.is_art_team)
        )

    def _collection_prepare_legal_notice(self):
        """Issue 12 (lending flow, step 4): entering the legal stage prepares a
        legal notice in draft for the legal team to review and send, unless the
        case already has one not answered."""
        super()._collection_prepare_legal_notice()
        Notice = self.env["collection.legal.notice"].sudo()
        pending = Notice.search(
            [("ticket_id", "in", self.ids), ("state", "in", ("draft", "issued", "sent"))]
        ).ticket_id
        return Notice.create([{"ticket_id": ticket.id} for ticket in self - pending])

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
        """Validate the case and send the recovery notification (24-hour SLA)."""
        self._art_check_case()
        return self._art_validate()

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
        """Send the case's legal notice: its draft (one whose email failed is
        sent again), else a new one."""
        self._art_check_case()
        Notice = self.env["collection.legal.notice"]
        for case in self:
            draft = Notice.search(
                [("ticket_id", "=", case.id), ("state", "=", "draft")], order="id desc", limit=1
            )
            (draft or Notice.create({"ticket_id": case.id}))._send()
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
