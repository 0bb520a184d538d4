from odoo import api, fields, models

from ..sla import SLA_STATES, sla_search, sla_state


class CollectionTicketCallback(models.AbstractModel):
    """The callback a ticket transferred to Collections was promised, and the
    contacts with the customer that keep (or break) that promise."""

    _name = "collection.ticket.callback"
    _description = "Collection Case Callback SLA"

    callback_deadline = fields.Datetime(
        tracking=True,
        copy=False,
        help="When the customer was promised a call back from Collections.",
    )
    first_contact_date = fields.Datetime(
        string="First Contact",
        readonly=True,
        copy=False,
        help="When Collections first logged a contact with the customer.",
    )
    callback_sla_state = fields.Selection(
        selection=SLA_STATES,
        string="Callback SLA",
        compute="_compute_callback_sla_state",
        search="_search_callback_sla_state",
    )
    last_contact_date = fields.Datetime(string="Last Contact", readonly=True, copy=False)

    @api.depends("callback_deadline", "first_contact_date")
    def _compute_callback_sla_state(self):
        """The SLA rule (``sla.py``): the first contact against the promised callback."""
        now = fields.Datetime.now()
        for ticket in self:
            ticket.callback_sla_state = sla_state(
                ticket.callback_deadline, ticket.first_contact_date, now
            )

    def _search_callback_sla_state(self, operator, value):
        """The same rule in SQL: it compares two columns and the clock."""
        return sla_search(operator, value, "callback_deadline", ["first_contact_date"])

    def _collection_register_contact(self, contact_date=None):
        """Record the first contact with the customer, which settles the callback SLA."""
        contact_date = contact_date or fields.Datetime.now()
        tickets = self._collection_as_owner()
        tickets.filtered(lambda ticket: not ticket.first_contact_date).write(
            {"first_contact_date": contact_date}
        )
        tickets.filtered(
            lambda ticket: not ticket.last_contact_date or ticket.last_contact_date < contact_date
        ).write({"last_contact_date": contact_date})

    def _collection_register_contact_dates(self, interactions):
        """The contacts logged on these cases: the earliest may be the first
        contact, the latest is the last one."""
        for ticket in self:
            dates = interactions.filtered(lambda i, t=ticket: i.ticket_id == t).mapped("date")
            if dates:
                ticket._collection_register_contact(min(dates))
                ticket._collection_register_contact(max(dates))

    def _ivr_request_callback(self):
        """Key 2 of the IVR menu: the customer wants an agent, so the case's agent
        (else the team leader) gets a callback activity due today."""
        self.ensure_one()
        self.activity_schedule(
            "collections_dunning.mail_activity_type_callback",
            date_deadline=fields.Date.context_today(self),
            summary=self.env._("The customer asked for an agent during the IVR call"),
            user_id=(self.user_id or self.team_id.user_id or self.env.ref("base.user_admin")).id,
        )
