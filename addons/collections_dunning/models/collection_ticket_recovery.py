from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import bulk_sql

RECOVERY_DECISIONS = [
    ("recover", "Recover the system"),
    ("restructure", "Restructure the debt"),
    ("write_off", "Write off"),
    ("continue", "Continue collecting"),
]


class CollectionTicketRecovery(models.AbstractModel):
    """The recovery evaluation of a case (issue 12, solar policy): the daily run
    asks a manager for a decision once, with an activity; the manager records the
    reason for default (a ``collection.default.reason``) and the decision through
    ``action_confirm_recovery_decision``. Mixed into ``helpdesk.ticket``."""

    _name = "collection.ticket.recovery"
    _description = "Collection Case Recovery Evaluation"

    collection_recovery_state = fields.Selection(
        selection=[("to_decide", "Decision Needed"), ("decided", "Decided")],
        string="Recovery Evaluation",
        readonly=True,
        copy=False,
        index=True,
    )
    collection_recovery_asked_date = fields.Date(
        string="Evaluation Asked On", readonly=True, copy=False
    )
    collection_default_reason_id = fields.Many2one(
        comodel_name="collection.default.reason",
        string="Reason for Default",
        copy=False,
        domain="[('company_id', 'in', [company_id, False])]",
    )
    collection_recovery_decision = fields.Selection(
        selection=RECOVERY_DECISIONS, string="Recovery Decision", copy=False
    )
    collection_recovery_decided_by_id = fields.Many2one(
        comodel_name="res.users", string="Decided By", readonly=True, copy=False
    )
    collection_recovery_decision_date = fields.Date(string="Decided On", readonly=True, copy=False)

    # What the manager decides: locked once the decision is confirmed.
    _collection_recovery_decision_fields = (
        "collection_default_reason_id",
        "collection_recovery_decision",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if any(vals.get(name) for name in self._collection_recovery_decision_fields):
                self._collection_check_recovery_decision_edit()
        return super().create(vals_list)

    def write(self, vals):
        changed = self._collection_recovery_decision_fields_changed(vals)
        if changed:
            changed._collection_check_recovery_decision_edit()
        return super().write(vals)

    def _collection_recovery_decision_fields_changed(self, vals):
        """The tickets of ``self`` whose reason for default or recovery decision
        ``vals`` changes (a form saving the same value changes nothing)."""
        names = [name for name in self._collection_recovery_decision_fields if name in vals]
        if not names:
            return self.browse()
        return self.filtered(
            lambda ticket: any(
                (ticket[name].id if ticket._fields[name].type == "many2one" else ticket[name])
                != (vals[name] or False)
                for name in names
            )
        )

    def _collection_check_recovery_decision_edit(self):
        """Rule (solar policy, evaluation / clawback; issue 12): the reason for
        default and the recovery decision are a collection manager's to record,
        and once the decision is confirmed they are what was decided: nobody
        changes them afterwards, whatever the caller (a form, an RPC write, sudo
        code), as the bureau report and the managers' reports read them. Checked
        before anything is written."""
        decided = self.filtered(lambda ticket: ticket.collection_recovery_state == "decided")
        if decided:
            ticket = decided[0]
            raise UserError(
                self.env._(
                    "The recovery decision of %(case)s was confirmed by %(user)s on "
                    "%(date)s: its reason for default and decision can no longer be "
                    "changed.",
                    case=ticket.display_name,
                    user=ticket.collection_recovery_decided_by_id.name or "-",
                    date=ticket.collection_recovery_decision_date or "-",
                )
            )
        if not self.env.su and not self.env.user.has_group(
            "collections_dunning.group_collection_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only collection managers record the reason for default and the "
                    "recovery decision of a case."
                )
            )

    def _collection_owned_fields(self):
        return super()._collection_owned_fields() | {
            "collection_recovery_state",
            "collection_recovery_asked_date",
            "collection_recovery_decided_by_id",
            "collection_recovery_decision_date",
        }

    def action_confirm_recovery_decision(self):
        """Record the manager's recovery decision with its reason for default."""
        self._collection_check_recovery_decision()
        today = fields.Date.context_today(self)
        decisions = dict(RECOVERY_DECISIONS)
        ask = self.env.ref("collections_dunning.mail_activity_type_recovery_decision")
        for ticket in self:
            ticket._collection_as_owner().write(
                {
                    "collection_recovery_state": "decided",
                    "collection_recovery_decided_by_id": self.env.user.id,
                    "collection_recovery_decision_date": today,
                }
            )
            ticket.activity_ids.filtered(
                lambda a: a.activity_type_id == ask
            ).sudo().action_feedback(feedback=decisions[ticket.collection_recovery_decision])
            ticket._message_log(
                body=self.env._(
                    "Recovery decision: %(decision)s (reason for default: %(reason)s).",
                    decision=decisions[ticket.collection_recovery_decision],
                    reason=ticket.collection_default_reason_id.name,
                )
            )
        self.filtered(
            lambda t: t.collection_recovery_decision == "write_off"
        ).commercial_partner_id._collection_set_bureau_status("written_off")
        return True

    def _collection_check_recovery_decision(self):
        """Rule (solar policy, evaluation / clawback): a recovery decision is a
        collection manager's, on a case that asks for one, and records why the
        customer defaulted; it is made once."""
        if not self.env.user.has_group("collections_dunning.group_collection_manager"):
            raise AccessError(self.env._("Only collection managers decide on recovery."))
        self.check_access("write")
        for ticket in self:
            if ticket.collection_recovery_state != "to_decide":
                raise UserError(
                    self.env._("%s does not ask for a recovery decision.", ticket.display_name)
                )
            if not ticket.collection_default_reason_id or not ticket.collection_recovery_decision:
                raise UserError(
                    self.env._(
                        "Choose the reason for default and the decision for %s first.",
                        ticket.display_name,
                    )
                )

    def _collection_ask_recovery_decisions(self, today):
        """The run asks once per case: the state and date in one UPDATE, and an
        activity for the team leader (else a collection manager of the company)."""
        if not self:
            return
        bulk_sql.update_rows(
            self,
            {
                ticket.id: {
                    "collection_recovery_state": "to_decide",
                    "collection_recovery_asked_date": today,
                }
                for ticket in self
            },
        )
        activity_type = self.env.ref("collections_dunning.mail_activity_type_recovery_decision")
        manager_group = self.env.ref("collections_dunning.group_collection_manager")
        managers = {}
        vals_list = []
        for ticket in self:
            user = ticket.team_id.user_id
            if not user:
                company = ticket.company_id
                if company not in managers:
                    managers[company] = self.env["res.users"].search(
                        [
                            ("all_group_ids", "in", manager_group.ids),
                            ("company_ids", "in", company.ids),
                            ("share", "=", False),
                        ],
                        limit=1,
                        order="id",
                    )
                user = managers[company]
            vals_list.append(
                {
                    "res_id": ticket.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._(
                        "Recovery decision: %s days past due", ticket.collection_dpd
                    ),
                    "user_id": (user or self.env.user).id,
                    "date_deadline": today,
                }
            )
        self._collection_create_activities(vals_list)
