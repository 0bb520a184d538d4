from odoo import api, fields, models


class CollectionTicketDesk(models.AbstractModel):
    """The agent's desk on a case: the contacts logged, and what the customer
    agreed (a promise, a plan, a settlement) that holds the reminders."""

    _name = "collection.ticket.desk"
    _description = "Collection Case Agent Desk"

    collection_exception_ids = fields.One2many(
        comodel_name="collection.exception",
        inverse_name="ticket_id",
        string="Exceptions",
        groups="collections_dunning.group_collection_agent",
    )
    collection_exception_count = fields.Integer(
        compute="_compute_collection_exception_count",
        groups="collections_dunning.group_collection_agent",
    )

    @api.model
    def _collection_create_activities(self, vals_list):
        """The to-dos the run and the commitments' evaluation give agents and
        managers (a broken promise or plan, a recovery decision to take, a
        reminder step for an agent), created in one batch and without an
        assignment email each (Odoo sends one per activity, after the commit,
        each in its own cursor: thousands of emails on a busy day, issue 13):
        the activities show in the users' activity lists. ``vals_list`` holds
        ``mail.activity`` values on collection cases (``res_id`` = the case)."""
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create([{"res_model_id": model_id, **vals} for vals in vals_list])
        )

    def _compute_collection_exception_count(self):
        for ticket in self:
            ticket.collection_exception_count = len(ticket.collection_exception_ids)

    def action_ask_collection_exception(self):
        """ "Ask for an exception": the exception form, prefilled with the case."""
        self.ensure_one()
        return {
            "name": self.env._("Ask for an Exception"),
            "type": "ir.actions.act_window",
            "res_model": "collection.exception",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_collection_exceptions(self):
        """The exceptions of the case's customer (the smart button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "collections_dunning.collection_exception_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

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

    def _collection_reminders_paused(self, today=None):
        """Cases whose automated reminders wait: an open promise to pay, a running
        payment plan, a settlement (standard recovery stopped), or an approved
        exception of the customer running today (grace, pause, no_billing)."""
        if not self:
            return self.browse()
        domain = [("ticket_id", "in", self.ids)]
        paused = set(self._collection_excepted_cases(today).ids)
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

    def _collection_excepted_cases(self, today=None):
        """Rule (issue 12): while an approved exception of the customer runs,
        neither reminders nor level moves go on for the customer's cases. One
        query for all the cases."""
        today = today or fields.Date.context_today(self)
        excepted = self.env["collection.exception"]._active_partner_ids(
            set(self.commercial_partner_id.ids), today
        )
        if not excepted:
            return self.browse()  # the usual day: nothing to filter, case by case
        return self.filtered(lambda ticket: ticket.commercial_partner_id.id in excepted)

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
