from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount, format_date

VERIFIER_GROUP = "collections_dunning.group_collection_manager"


def adopt_uploads(record, attachments):
    """Make the files the user uploaded in ``record``'s form (before it existed,
    so attached to nothing) ``record``'s own, so whoever may read the record
    reads them. Only the user's own pending uploads: linking someone else's
    attachment must not move it."""
    pending = attachments.sudo().filtered(
        lambda a: not a.res_id and a.create_uid.id == record.env.uid
    )
    pending.write({"res_model": record._name, "res_id": record.id})


class CollectionClaim(models.Model):
    """A promise of validity or a discount the customer says they were given
    (purifier SOP): Support records it on the ticket, a verifier confirms it
    (the ticket goes to Collections with the claim) or rejects it (the customer
    is answered with the reason)."""

    _name = "collection.claim"
    _inherit = ["collection.case.mixin", "collection.action.guard"]
    _description = "Claimed Promise"
    _order = "id desc"
    # What was claimed is fixed once recorded; the decision is the verifier's.
    _collection_action_fields = (
        "state",
        "ticket_id",
        "recorded_by_id",
        "verified_by_id",
        "verified_date",
    )

    claim_type = fields.Selection(
        selection=[("validity", "Validity Extension"), ("discount", "Discount")],
        string="Claimed",
        required=True,
        default="validity",
    )
    claimed_amount = fields.Monetary(
        currency_field="currency_id", help="The discount the customer says they were promised."
    )
    claimed_date = fields.Date(
        string="Valid Until", help="The validity the customer says they were promised."
    )
    promised_by = fields.Char(help="Who promised it, if the customer knows.")
    promised_date = fields.Date(string="Promised On", help="When it was promised, if known.")
    description = fields.Text(string="Customer's Words")
    attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="collection_claim_attachment_rel",
        column1="claim_id",
        column2="attachment_id",
        string="Attachments",
        help="What the customer sent as proof (a message, an offer, a receipt).",
    )
    state = fields.Selection(
        selection=[("claimed", "Claimed"), ("confirmed", "Confirmed"), ("rejected", "Rejected")],
        required=True,
        default="claimed",
        index=True,
    )
    recorded_by_id = fields.Many2one(
        comodel_name="res.users",
        default=lambda self: self.env.user,
        readonly=True,
        index=True,
    )
    verified_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    verified_date = fields.Datetime(string="Verified On", readonly=True)
    reject_reason = fields.Text(
        string="Rejection Reason", help="Sent to the customer when the claim is rejected."
    )

    @api.depends("claim_type", "ticket_id")
    def _compute_display_name(self):
        types = dict(self._fields["claim_type"].selection)
        for claim in self:
            claim.display_name = self.env._(
                "%(type)s claimed on %(ticket)s",
                type=types.get(claim.claim_type, ""),
                ticket=claim.ticket_id.display_name or "",
            )

    def _collection_initial_values(self):
        """Rule: a claim starts as claimed by whoever records it, undecided."""
        return {
            "state": "claimed",
            "recorded_by_id": self.env.uid,
            "verified_by_id": False,
            "verified_date": False,
        }

    def _collection_locked_fields(self):
        """Once verified, the claim is the record of what was decided: nothing
        of it is edited any more."""
        locked = super()._collection_locked_fields()
        if self.state != "claimed":
            locked |= {
                "claim_type",
                "claimed_amount",
                "claimed_date",
                "promised_by",
                "promised_date",
                "description",
                "attachment_ids",
                "reject_reason",
            }
        return locked

    @api.constrains("claim_type", "claimed_amount", "claimed_date")
    def _check_claimed_terms(self):
        """Rule: a claim says what was promised: a discount is a positive amount,
        a validity extension a date; a verifier cannot check an empty claim."""
        for claim in self:
            if claim.claim_type == "discount" and claim.claimed_amount <= 0:
                raise ValidationError(
                    self.env._("Say how much discount the customer says they were promised.")
                )
            if claim.claim_type == "validity" and not claim.claimed_date:
                raise ValidationError(
                    self.env._("Say until when the customer says their validity was extended.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        claims = super().create(vals_list)
        for claim in claims:
            # uploaded before the claim existed: make them the claim's, so the
            # verifier reads them through the claim's access rules
            adopt_uploads(claim, claim.attachment_ids)
            claim.ticket_id.message_post(
                body=self.env._(
                    "Claimed promise recorded by %(user)s: %(what)s. Waiting for a verifier.",
                    user=self.env.user.name,
                    what=claim._claimed_summary(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return claims

    @api.model
    def _action_new_for(self, ticket):
        """The claim form, in a dialog, on ``ticket``."""
        ticket.ensure_one()
        ticket.check_access("write")
        return {
            "name": self.env._("Record a Claimed Promise"),
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_id": ticket.id},
        }

    def action_confirm(self):
        """The verifier confirms: the ticket goes to Collections with the claim."""
        self._check_can_verify()
        for claim in self:
            claim._collection_action_write(
                {
                    "state": "confirmed",
                    "verified_by_id": self.env.user.id,
                    "verified_date": fields.Datetime.now(),
                }
            )
            claim._send_to_collections()
        return True

    def action_reject(self):
        """The verifier rejects, with the reason the customer is told."""
        self._check_can_verify()
        for claim in self:
            reason = (claim.reject_reason or "").strip()
            if not reason:
                raise UserError(
                    self.env._("Write the reason for rejecting the claim: the customer is told.")
                )
            claim._answer_rejection(reason)
            claim._collection_action_write(
                {
                    "state": "rejected",
                    "verified_by_id": self.env.user.id,
                    "verified_date": fields.Datetime.now(),
                }
            )
        return True

    def _check_can_verify(self):
        """Rule (purifier SOP, four eyes): a claimed promise is verified by a
        collections manager who did not record it, once: confirming it sends the
        ticket to Collections with a concession, rejecting it answers the
        customer, so neither rests on the word of whoever wrote it down."""
        if not self.env.user.has_group(VERIFIER_GROUP):
            raise AccessError(self.env._("Only a collections manager verifies a claimed promise."))
        for claim in self:
            if claim.state != "claimed":
                raise UserError(
                    self.env._("The claim %s was already verified.", claim.display_name)
                )
            if claim.recorded_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "You recorded the claim %s: another collections manager verifies it.",
                        claim.display_name,
                    )
                )

    def _claimed_summary(self):
        self.ensure_one()
        if self.claim_type == "discount":
            what = self.env._(
                "a discount of %s",
                format_amount(self.env, self.claimed_amount, self.currency_id),
            )
        else:
            what = self.env._("validity until %s", format_date(self.env, self.claimed_date))
        if self.promised_by:
            what = self.env._("%(what)s, promised by %(who)s", what=what, who=self.promised_by)
        if self.promised_date:
            what = self.env._(
                "%(what)s on %(when)s", what=what, when=format_date(self.env, self.promised_date)
            )
        return what

    def _send_to_collections(self):
        """Rule (purifier SOP): a confirmed claim goes to Collections with the
        claim attached: the ticket is transferred (``_transfer_to_collections``)
        and the claim, with copies of its attachments, posted on the case."""
        self.ensure_one()
        ticket = self.ticket_id
        reason = self.env._(
            "Confirmed claimed promise: %(what)s (verified by %(user)s).",
            what=self._claimed_summary(),
            user=self.env.user.name,
        )
        copies = self.env["ir.attachment"]
        for attachment in self.attachment_ids.sudo():
            copies |= attachment.copy({"res_model": ticket._name, "res_id": ticket.id})
        ticket.message_post(
            body=Markup("<p>%s</p><p>%s</p>") % (reason, self.description or ""),
            subtype_xmlid="mail.mt_note",
            attachment_ids=copies.ids,
        )
        if not ticket.is_collection_ticket:
            ticket._transfer_to_collections(reason)

    def _answer_rejection(self, reason):
        """Rule (purifier SOP): a rejected claim is answered with the reason, a
        message to the customer on the ticket that passes the contact guard as
        every customer message does."""
        self.ensure_one()
        ticket = self.ticket_id
        ticket._collection_check_contact("email", self.env._("The answer to a claim"))
        ticket.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "We checked the %s you told us about and could not confirm it.",
                    self._claimed_summary(),
                ),
                self.env._("Reason: %s", reason),
            ),
            partner_ids=ticket.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket._message_log(body=self.env._("Claimed promise rejected by %s.", self.env.user.name))
