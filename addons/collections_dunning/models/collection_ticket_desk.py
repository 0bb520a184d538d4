from odoo import models


class CollectionTicketDesk(models.AbstractModel):
    """The agent's desk on a case: the contacts logged, and what the customer
    agreed (a promise, a plan, a settlement) that holds the reminders."""

    _name = "collection.ticket.desk"
    _description = "Collection Case Agent Desk"

    def _collection_log_contact_action(self):
        """The "Log contact" dialog: the three dependent disposition layers."""
        self.ensure_one()
        return {
            "name": self.env._("Log Contact"),
            "type": "ir.actions.act_window",
            "res_model": "collection.interaction",
            "view_mode": "form",
            "views": [
                (self.env.ref("collections_dunning.collection_interaction_view_form").id, "form")
            ],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def _collection_reminders_paused(self):
        """Cases whose automated reminders wait: an open promise to pay, a running
        payment plan, or a settlement (standard recovery stopped)."""
        if not self:
            return self.browse()
        domain = [("ticket_id", "in", self.ids)]
        paused = set()
        for model, states in (
            ("collection.promise", ["open"]),
            ("collection.payment.plan", ["active"]),
            ("collection.settlement", ["to_approve", "approved"]),
        ):
            rows = (
                self.env[model]
                .sudo()
                ._read_group(domain + [("state", "in", states)], ["ticket_id"])
            )
            paused.update(ticket.id for (ticket,) in rows)
        return self.browse(sorted(paused))

    def _collection_open_settlement(self, interaction):
        """Death or verified distress: stop standard recovery, ask a manager."""
        self.ensure_one()
        settlement = (
            self.env["collection.settlement"]
            .sudo()
            .create(
                {
                    "ticket_id": self.id,
                    "reason_id": (interaction.resolution_id or interaction.reason_id).id,
                    "amount_overdue": self.env["collection.settlement"]._collection_case_overdue(
                        self
                    ),
                    "note": interaction.note,
                }
            )
        )
        approver = self.team_id.user_id or self.env.ref("base.user_admin")
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Approve or reject the settlement of %s", self.partner_id.name),
            user_id=approver.id,
        )
        return settlement
