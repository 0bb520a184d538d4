from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectionTicketPurifier(models.AbstractModel):
    """The device serial (Purifier ID) a ticket needs to stay with Collections."""

    _name = "collection.ticket.purifier"
    _description = "Collection Ticket Purifier ID"

    purifier_id = fields.Char(
        string="Purifier ID",
        index=True,
        tracking=True,
        copy=False,
        help="Serial number of the customer's device. Mandatory for a ticket that "
        "Support hands over to Collections; a case the daily run opens shows the "
        "serial its invoices carry, if any.",
    )
    purifier_required = fields.Boolean(
        string="Purifier ID Required",
        compute="_compute_purifier_required",
        help="Whether this ticket may only stay with Collections with a Purifier ID: "
        "true for tickets handed over from Support, false for cases opened from "
        "invoices, which are identified by their invoices.",
    )

    @api.depends("team_id", "stage_id", "collection_case")
    def _compute_purifier_required(self):
        """The SOP's rule is about the hand-over: a ticket Support transfers to
        Collections needs the device serial. A case opened from invoices is
        identified by them and stays editable without one."""
        for ticket in self:
            ticket.purifier_required = (
                ticket._collection_is_handover() and ticket._collection_is_in_collections()
            )

    @api.constrains("purifier_id", "company_id")
    def _check_purifier_id(self):
        """The rule "a Purifier ID matches the company's pattern" (Collections settings)."""
        for ticket in self.filtered("purifier_id"):
            if not ticket.company_id._collection_purifier_matches(ticket.purifier_id):
                raise ValidationError(ticket._collection_purifier_error())

    def _collection_clean_vals(self, vals):
        """Serial numbers are typed and pasted: ignore surrounding blanks."""
        if isinstance(vals.get("purifier_id"), str):
            vals["purifier_id"] = vals["purifier_id"].strip() or False

    def _collection_purifier_error(self):
        self.ensure_one()
        pattern = self.company_id.collection_purifier_pattern
        if pattern:
            return self.env._(
                "The Purifier ID %(value)s of ticket %(ticket)s does not have the expected "
                "format. It must match the pattern %(pattern)s (set in Collections settings).",
                value=self.purifier_id,
                ticket=self.display_name,
                pattern=pattern,
            )
        return self.env._("The Purifier ID of ticket %s is empty.", self.display_name)

    def _collection_is_handover(self):
        """Whether the ticket came to Collections from Support (and so needs the
        Purifier ID), rather than being a case the system opened itself."""
        self.ensure_one()
        return not self.collection_case

    def _collection_is_in_collections(self):
        """A ticket is with Collections when its team, or its stage, is theirs."""
        self.ensure_one()
        stage_teams = self.stage_id.team_ids
        return self.team_id.is_collection_team or (
            bool(stage_teams) and all(stage_teams.mapped("is_collection_team"))
        )

    def _collection_return_without_purifier(self):
        """Send back to Support any ticket that reached Collections without a
        Purifier ID, whatever the path (import, API, drag and drop): the SOP
        returns such tickets to Support rather than working them blind.
        """
        if self.env.context.get("collection_returning"):
            return
        # Cases the daily run opens from invoices are not handovers from Support.
        to_return = self.filtered(
            lambda ticket: (
                not ticket.purifier_id
                and ticket._collection_is_handover()
                and ticket._collection_is_in_collections()
            )
        )
        for ticket in to_return.with_context(collection_returning=True):
            origin = ticket.collection_origin_team_id
            target = (
                origin
                if origin and not origin.is_collection_team
                else ticket.company_id.collection_support_team_id
            )
            stages = target._get_applicable_stages()
            stage = ticket.stage_id if ticket.stage_id in stages else stages[:1]
            ticket.write({"team_id": target.id, "stage_id": stage.id})
            ticket.message_post(
                body=self.env._(
                    "Returned to %(team)s: a ticket reaches Collections only with the "
                    "customer's Purifier ID (device serial). Fill it in and transfer "
                    "the ticket again.",
                    team=target.display_name or self.env._("Support"),
                ),
                subtype_xmlid="mail.mt_note",
            )
