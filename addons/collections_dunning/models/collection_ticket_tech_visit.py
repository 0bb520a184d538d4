from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount


class CollectionTicketTechVisit(models.AbstractModel):
    """A customer's request for a technician visit, which the field team takes
    only once nothing is overdue."""

    _name = "collection.ticket.tech.visit"
    _description = "Collection Ticket Tech Visit"

    tech_visit_requested = fields.Boolean(
        tracking=True,
        help="The customer asked for a technician visit. The field team takes the "
        "ticket only once the customer's overdue amount is cleared.",
    )

    @api.constrains("team_id", "tech_visit_requested", "partner_id")
    def _check_tech_visit_overdue(self):
        """The SOP schedules a tech visit only once the overdue amount is cleared."""
        for ticket in self:
            if ticket._collection_tech_visit_blocked(ticket.team_id):
                raise ValidationError(ticket._collection_tech_visit_error())

    def _collection_tech_visit_blocked(self, team):
        """The SOP's rule "a tech visit is scheduled only once the overdue amount
        is cleared": whether this requested visit, with ``team``, breaks it."""
        self.ensure_one()
        field_team = self.company_id.collection_operations_team_id
        return bool(
            self.tech_visit_requested
            and field_team
            and team == field_team
            and self.sudo().partner_overdue_amount > 0
        )

    def _collection_tech_visit_error(self):
        self.ensure_one()
        return self.env._(
            "%(customer)s still has %(amount)s overdue. A tech visit can be scheduled "
            "only once the overdue amount is cleared: transfer the ticket to Collections.",
            customer=self.partner_id.commercial_partner_id.display_name,
            amount=format_amount(
                self.env, self.sudo().partner_overdue_amount, self.company_currency_id
            ),
        )

    def _collection_send_to_operations(self):
        """Hand tech-visit requests to the field team, once nothing is overdue."""
        for ticket in self:
            field_team = ticket.company_id.collection_operations_team_id
            if not ticket.tech_visit_requested:
                raise UserError(
                    self.env._("Ticket %s did not ask for a tech visit.", ticket.display_name)
                )
            if not field_team:
                raise UserError(
                    self.env._(
                        "No operations / logistics team is set in the Collections "
                        "settings: choose the team that schedules technician visits."
                    )
                )
            if ticket.partner_overdue_amount > 0:
                raise UserError(ticket._collection_tech_visit_error())
            ticket.message_post(
                body=self.env._(
                    "Overdue amount cleared: tech visit handed to %(team)s by %(user)s.",
                    team=field_team.display_name,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            ticket.write({"team_id": field_team.id})
        return True
