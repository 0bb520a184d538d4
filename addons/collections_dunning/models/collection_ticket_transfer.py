from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime


class CollectionTicketTransfer(models.AbstractModel):
    """The hand-over of a payment ticket from Support to Collections, with the
    callback it promises the customer."""

    _name = "collection.ticket.transfer"
    _description = "Collection Ticket Transfer"

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

    def _collection_transfer_action(self):
        """The transfer wizard, after refusing what Collections cannot take."""
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
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the ticket goes to Collections."))
        now = fields.Datetime.now()
        for ticket in self:
            team = ticket.company_id.collection_team_id
            agent = team._collection_assign_cases(
                [(ticket.partner_id, self.env["collection.policy.level"])]
            )[0]
            deadline = now + timedelta(minutes=ticket.company_id.collection_callback_delay)
            # Post first: a support agent may not see the ticket once it has moved.
            ticket._collection_post_transfer_note(reason, deadline)
            ticket._collection_schedule_callback(reason, deadline, agent)
            ticket._collection_as_owner().write(
                {
                    "team_id": team.id,
                    "user_id": agent.id,
                    "callback_deadline": deadline,
                    "first_contact_date": False,
                    "collection_transfer_date": now,
                    "collection_transferred_by_id": self.env.user.id,
                    "collection_transfer_reason": reason,
                    "collection_origin_team_id": ticket.team_id.id,
                }
            )
        return True

    def _collection_post_transfer_note(self, reason, deadline):
        """Say in the chatter who transferred the ticket, why, and the callback promised."""
        self.ensure_one()
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Transferred to Collections by %(user)s. Callback promised by %(deadline)s.",
                    user=self.env.user.name,
                    deadline=format_datetime(self.env, deadline, dt_format="short"),
                ),
                self.env._("Reason: %s", reason),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _collection_schedule_callback(self, reason, deadline, agent):
        """The callback promised, as an activity of the agent the case went to."""
        self.ensure_one()
        self.activity_schedule(
            "collections_dunning.mail_activity_type_callback",
            date_deadline=fields.Date.context_today(self, deadline),
            summary=self.env._(
                "Call back customer before %s",
                format_datetime(self.env, deadline, dt_format="short"),
            ),
            note=reason,
            user_id=(agent or self.env.user).id,
        )
