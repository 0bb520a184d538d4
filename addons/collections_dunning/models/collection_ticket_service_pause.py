from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

SECOND_PAUSE_REQUEST = "second pause request"


class CollectionTicketServicePause(models.AbstractModel):
    """Support's side of a service pause request (purifier SOP): the customer is
    out of station, Support records why and sends the pause fee link; a second
    request within the company's window goes to Collections instead."""

    _name = "collection.ticket.service.pause"
    _description = "Collection Ticket Service Pause"

    out_of_station = fields.Boolean(
        string="Out of Station",
        tracking=True,
        copy=False,
        help="The customer is away from home: only then may Support send the service "
        "pause fee link.",
    )
    out_of_station_reason = fields.Text(
        string="Out of Station Reason",
        tracking=True,
        copy=False,
        help="Why and until when the customer is away, as they said it.",
    )
    pause_link_date = fields.Datetime(
        string="Pause Link Sent On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the service pause fee link was sent from this ticket.",
    )

    def _collection_check_out_of_station(self):
        """Rule (purifier SOP): the pause fee link is offered only to a customer
        who is out of station, with the reason recorded on the ticket; without
        it anyone could pause a service they simply stopped paying for."""
        for ticket in self:
            if not ticket.out_of_station:
                raise UserError(
                    self.env._(
                        "The pause fee link is only for a customer who is out of station: "
                        "tick Out of Station on ticket %s and record the reason first.",
                        ticket.display_name,
                    )
                )
            if not (ticket.out_of_station_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Record why the customer is out of station on ticket %s before "
                        "sending the pause fee link.",
                        ticket.display_name,
                    )
                )

    def _collection_previous_pause_request(self):
        """Rule (purifier SOP, repeated pause requests go to Collections): the
        pause link already sent to this customer within the company's
        ``collection_pause_repeat_days`` (from this ticket or another one of
        theirs), as a ticket, or an empty recordset. Read with sudo: the other
        ticket may be in a team the support agent does not see."""
        self.ensure_one()
        days = self.company_id.collection_pause_repeat_days
        since = fields.Datetime.now() - timedelta(days=days)
        return (
            self.sudo()
            .search(
                [
                    ("commercial_partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("pause_link_date", ">=", since),
                ],
                order="pause_link_date desc",
                limit=1,
            )
            .sudo(False)
        )

    def _collection_send_pause_request(self):
        """Support's "Send Pause Link": refused unless out of station with a
        reason; a first request gets the fee link, a second one within the
        window is transferred to Collections with the reason "second pause
        request". Returns a notification for the agent."""
        self._collection_check_case_action()
        self._collection_check_out_of_station()
        sent, transferred = self.browse(), self.browse()
        for ticket in self:
            previous = (
                ticket._collection_previous_pause_request()
                if not ticket.is_collection_ticket
                else self.browse()
            )
            if previous:
                ticket._collection_escalate_second_pause(previous)
                transferred |= ticket
            else:
                sent |= ticket
        if sent:
            sent._collection_send_pause_links()
            now = fields.Datetime.now()
            for ticket in sent:
                ticket._collection_as_owner().sudo().write({"pause_link_date": now})
                ticket._message_log(
                    body=self.env._(
                        "Pause fee link sent by %(user)s: customer out of station (%(reason)s).",
                        user=self.env.user.name,
                        reason=ticket.out_of_station_reason,
                    )
                )
        if transferred:
            message = self.env._(
                "A pause link was already sent to this customer within %s days: no new "
                "link, the ticket went to Collections (second pause request).",
                self.company_id[:1].collection_pause_repeat_days,
            )
        else:
            message = self.env._("The pause fee link was sent to the customer.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if transferred else "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _collection_escalate_second_pause(self, previous):
        """Rule (purifier SOP): a repeated pause request gets no link; it is
        transferred to Collections (``_transfer_to_collections``) with the reason
        "second pause request", naming the first."""
        self.ensure_one()
        self._transfer_to_collections(
            self.env._(
                "%(rule)s: a pause link was sent on %(date)s (ticket %(ticket)s). "
                "Out of station: %(reason)s",
                rule=SECOND_PAUSE_REQUEST.capitalize(),
                date=fields.Date.to_string(previous.pause_link_date.date()),
                ticket=previous.sudo().number or previous.sudo().display_name,
                reason=self.out_of_station_reason,
            )
        )
