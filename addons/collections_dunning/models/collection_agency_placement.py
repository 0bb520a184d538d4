from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class CollectionAgencyPlacement(models.Model):
    """An account placed with an agency; the agency earns on what is collected
    between placement and recall."""

    _name = "collection.agency.placement"
    _description = "Agency Placement"
    _inherit = ["collection.case.mixin"]
    _order = "date_start desc, id desc"

    agency_id = fields.Many2one(comodel_name="collection.agency", required=True, index=True)
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date(string="Recalled On")
    amount_placed = fields.Monetary(currency_field="currency_id", readonly=True)
    collected_amount = fields.Monetary(
        currency_field="currency_id", compute="_compute_collected", string="Collected"
    )
    commission_amount = fields.Monetary(
        currency_field="currency_id", compute="_compute_collected", string="Commission"
    )

    @api.depends("date_start", "date_end", "agency_id.success_fee_percent")
    def _compute_collected(self):
        today = fields.Date.context_today(self)
        paid = self.env["res.partner"]._collection_paid_amounts(
            {
                placement.id: (
                    placement.partner_id.id,
                    placement.date_start,
                    placement.date_end or today,
                    placement.company_id.id,
                )
                for placement in self
                if placement.id and placement.partner_id
            }
        )
        for placement in self:
            collected = paid.get(placement.id, 0.0)
            placement.collected_amount = collected
            placement.commission_amount = placement.currency_id.round(
                collected * placement.agency_id.success_fee_percent / 100.0
            )

    def action_recall(self):
        for placement in self:
            if placement.date_end:
                raise UserError(self.env._("This account was already recalled."))
            placement.date_end = fields.Date.context_today(self)
            placement.ticket_id.message_post(
                body=self.env._("Recalled from %s.", placement.agency_id.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def _place_tickets(self, tickets, agency):
        """Place the cases with an agency (recalling them from any other first)."""
        today = fields.Date.context_today(self)
        for ticket in tickets:
            current = ticket.agency_placement_ids.filtered(lambda p: not p.date_end)
            if current.agency_id == agency:
                continue
            current.action_recall()
            self.create(
                {
                    "ticket_id": ticket.id,
                    "agency_id": agency.id,
                    "date_start": today,
                    "amount_placed": self._collection_case_overdue(ticket),
                }
            )
            ticket._collection_as_owner().agency_id = agency
            ticket.message_post(
                body=self.env._("Placed with %s.", agency.name), subtype_xmlid="mail.mt_note"
            )

    @api.model
    def _recall_tickets(self, tickets):
        """Take the cases back from their agency (collection managers, as placing them)."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(
                self.env._("Only a collections manager recalls a case from an agency.")
            )
        tickets.check_access("write")
        tickets.agency_placement_ids.filtered(lambda p: not p.date_end).action_recall()
        tickets._collection_as_owner().agency_id = False
        return True
