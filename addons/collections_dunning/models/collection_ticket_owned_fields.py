from odoo import models
from odoo.exceptions import AccessError

# Issue 10: fields that only their owners write, the daily run (collection.run,
# through ``_tickets()``: sudo), the transfer, the contact log and the agency
# placement. Owners write with sudo or through ``_collection_as_owner()``, whose
# context marker is an object no RPC client can send (JSON carries no objects).
FIELD_OWNER_KEY = "collection_field_owner"
FIELD_OWNER = object()


class CollectionTicketOwnedFields(models.AbstractModel):
    """Who may write a case's run-owned fields, and act for a case towards the
    customer (issue 10)."""

    _name = "collection.ticket.owned.fields"
    _description = "Collection Case Owned Fields"

    def _collection_owned_fields(self):
        """Fields only the run and the actions that own them write (issue 10).

        The views show them read-only; this makes it a rule of the server too, so
        an RPC client cannot set a case's level, amounts, contact dates, agency
        or transfer record by hand. Extended by add-ons that own more fields.
        """
        return {
            "collection_case",
            "collection_policy_id",
            "collection_level_id",
            "collection_level_date",
            "collection_level_amount",
            "collection_dpd",
            "collection_due_date",
            "amount_overdue",
            "overdue_invoice_ids",
            "next_reminder_date",
            "collection_escalation_date",
            "first_contact_date",
            "last_contact_date",
            "penal_accrued",
            "penal_accrued_date",
            "agency_id",
            "collection_transfer_date",
            "collection_transferred_by_id",
            "collection_transfer_reason",
            "collection_origin_team_id",
        }

    def _collection_as_owner(self):
        """These tickets, allowed to write the owned fields: for the owners only."""
        return self.with_context(**{FIELD_OWNER_KEY: FIELD_OWNER})

    def _collection_check_owned_fields(self, vals, creating=False):
        """Issue 10: refuse a create()/write() of run-owned fields by anyone but
        their owners, naming the fields, before anything is changed.

        Owners write with sudo (the daily run, Asset Recovery's hand-over) or
        through ``_collection_as_owner()`` (transfer, contact log, placement,
        officer actions), which keeps the caller's access rights. On create, an
        empty value is the default anyway and is let through.
        """
        if self.env.su or self.env.context.get(FIELD_OWNER_KEY) is FIELD_OWNER:
            return
        owned = self._collection_owned_fields()
        refused = sorted(
            name for name, value in vals.items() if name in owned and (value or not creating)
        )
        if refused:
            labels = ", ".join(self._fields[name]._description_string(self.env) for name in refused)
            raise AccessError(
                self.env._(
                    "%(fields)s cannot be set by hand: the daily collection run and "
                    "the case's own actions (transfer, contact log, agency placement, "
                    "validation) keep them up to date.",
                    fields=labels,
                )
            )

    def _collection_check_case_action(self):
        """Issue 10: who may act for a case towards the customer (send a link, a
        document, invoice a fee): collection agents and managers, and support
        users of the ticket's own team; every one of them must also be allowed to
        edit the ticket. Checked before anything is created, as the invoices that
        follow are made with sudo."""
        self.check_access("write")
        user = self.env.user
        if self.env.su or user.has_group("collections_dunning.group_collection_agent"):
            return
        for ticket in self:
            if user not in ticket.team_id.user_ids:
                raise AccessError(
                    self.env._(
                        "Only collection agents, or members of the team %(team)s, can "
                        "do this for ticket %(ticket)s.",
                        team=ticket.team_id.display_name or self.env._("(none)"),
                        ticket=ticket.display_name,
                    )
                )
