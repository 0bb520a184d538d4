from odoo import api, fields, models
from odoo.exceptions import UserError


class CollectionReallocateWizard(models.TransientModel):
    """Move many cases at once: to an agent, a team, a campaign or an agency."""

    _name = "collection.reallocate.wizard"
    _description = "Reallocate Collection Cases"

    ticket_ids = fields.Many2many(comodel_name="helpdesk.ticket", string="Cases")
    user_id = fields.Many2one(comodel_name="res.users", string="New Agent")
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="New Team",
        domain="[('is_collection_team', '=', True)]",
    )
    campaign_id = fields.Many2one(comodel_name="collection.campaign", string="Add to Campaign")
    agency_id = fields.Many2one(comodel_name="collection.agency", string="Place With Agency")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "helpdesk.ticket":
            values["ticket_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_apply(self):
        self.ensure_one()
        if not (self.user_id or self.team_id or self.campaign_id or self.agency_id):
            raise UserError(self.env._("Choose where the cases go."))
        tickets = self.ticket_ids
        vals = {}
        if self.team_id:
            vals["team_id"] = self.team_id.id
        if self.user_id:
            vals["user_id"] = self.user_id.id
        if vals:
            for stage, stage_tickets in tickets.grouped("stage_id").items():
                stage_tickets.write({**vals, "stage_id": stage.id})
        if self.campaign_id:
            self.campaign_id.ticket_ids |= tickets
        if self.agency_id:
            tickets._collection_place_with(self.agency_id)
        changes = ", ".join(
            filter(
                None,
                [
                    self.user_id and self.env._("agent %s", self.user_id.name),
                    self.team_id and self.env._("team %s", self.team_id.display_name),
                    self.campaign_id and self.env._("campaign %s", self.campaign_id.name),
                    self.agency_id and self.env._("agency %s", self.agency_id.name),
                ],
            )
        )
        tickets._message_log_batch(
            bodies={
                ticket.id: self.env._(
                    "Reallocated by %(user)s: %(changes)s.",
                    user=self.env.user.name,
                    changes=changes,
                )
                for ticket in tickets
            }
        )
        return {"type": "ir.actions.act_window_close"}
