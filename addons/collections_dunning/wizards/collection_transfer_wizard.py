from odoo import api, fields, models


class CollectionTransferWizard(models.TransientModel):
    _name = "collection.transfer.wizard"
    _description = "Transfer a Ticket to Collections"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="ticket_id.partner_id")
    category_id = fields.Many2one(related="ticket_id.category_id")
    purifier_id = fields.Char(related="ticket_id.purifier_id")
    callback_delay = fields.Integer(
        string="Callback Within (minutes)",
        compute="_compute_callback_delay",
    )
    reason = fields.Text(
        required=True,
        help="Why this is a payment matter; kept in the ticket's chatter.",
    )

    @api.depends("ticket_id")
    def _compute_callback_delay(self):
        for wizard in self:
            wizard.callback_delay = wizard.ticket_id.company_id.collection_callback_delay

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._transfer_to_collections(self.reason)
        return {"type": "ir.actions.act_window_close"}
