from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .collection_reminder import ATTEMPT_STATES

# A contact is logged as it happens: a clock a few minutes ahead is tolerated.
FUTURE_TOLERANCE = timedelta(minutes=5)

INTERACTION_CHANNELS = [
    ("call", "Call"),
    ("sms", "SMS"),
    ("email", "Email"),
    ("whatsapp", "WhatsApp"),
    ("ivr", "IVR"),
    ("visit", "Visit"),
]


class CollectionInteraction(models.Model):
    """One logged contact (or attempt) with a customer, with its 3-layer disposition."""

    _name = "collection.interaction"
    _inherit = [
        "collection.case.mixin",
        "collection.action.guard",
        "collection.interaction.follow.up",
    ]
    _description = "Collection Interaction"
    _order = "date desc, id desc"
    # What happened, when and by whom is the audit trail of a contact: nobody
    # rewrites it (managers included); a mistake is corrected by a new log or a
    # note on the case, so the trail keeps both. The note stays editable.
    _collection_action_fields = (
        "ticket_id",
        "reference_id",
        "channel",
        "direction",
        "user_id",
        "date",
        "status_id",
        "reason_id",
        "resolution_id",
        "promise_date",
        "promise_amount",
        "callback_date",
        "promise_id",
        "is_override",
        "override_reason",
        "is_commitment_letter",
        "commitment_letter_ids",
    )

    reference_id = fields.Many2one(
        comodel_name="collection.reference",
        string="Reference Called",
        domain="[('partner_id', '=', partner_id)]",
        help="Set when the contact was with one of the customer's references.",
    )
    channel = fields.Selection(selection=INTERACTION_CHANNELS, required=True, default="call")
    direction = fields.Selection(
        selection=[("outbound", "Outbound"), ("inbound", "Inbound")],
        required=True,
        default="outbound",
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Agent", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    status_id = fields.Many2one(
        comodel_name="collection.disposition",
        required=True,
        domain="[('layer', '=', 1)]",
    )
    reason_id = fields.Many2one(
        comodel_name="collection.disposition",
        domain="[('parent_id', '=', status_id)]",
    )
    resolution_id = fields.Many2one(
        comodel_name="collection.disposition",
        domain="[('parent_id', '=', reason_id)]",
    )
    is_contact = fields.Boolean(related="status_id.is_contact", store=True)
    requires_promise = fields.Boolean(compute="_compute_requirements")
    requires_callback = fields.Boolean(compute="_compute_requirements")
    note = fields.Text()
    attachment_ids = fields.Many2many(comodel_name="ir.attachment", string="Attachments")
    promise_date = fields.Date()
    promise_amount = fields.Monetary(currency_field="currency_id")
    callback_date = fields.Datetime(string="Call Back At")
    promise_id = fields.Many2one(comodel_name="collection.promise", readonly=True)
    # Issue 12 (lending flow): the promise made on this contact is a signed
    # commitment letter (``collection.promise`` of type ``commitment_letter``).
    is_commitment_letter = fields.Boolean(
        string="Signed Commitment Letter",
        help="The customer signed a commitment letter to pay the promised amount "
        "within the company's commitment letter days: attach it; the promise is "
        "recorded as a commitment letter, and counts as a broken promise if broken.",
    )
    commitment_letter_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="collection_interaction_letter_rel",
        column1="interaction_id",
        column2="attachment_id",
        string="Signed Letter",
    )
    is_override = fields.Boolean(
        string="Contact Rule Override",
        readonly=True,
        help="Logged outside the contact rules by a manager.",
    )
    override_reason = fields.Char()

    @api.depends("reason_id", "resolution_id")
    def _compute_requirements(self):
        for interaction in self:
            chosen = interaction.reason_id | interaction.resolution_id
            interaction.requires_promise = any(chosen.mapped("requires_promise"))
            interaction.requires_callback = any(chosen.mapped("requires_callback"))

    @api.depends("channel", "status_id", "reason_id", "resolution_id")
    def _compute_display_name(self):
        """What the contact was and how it ended, e.g. "Call: Contacted → Promise
        to Pay → Payment Scheduled", as lists, cards and links show it."""
        channels = dict(INTERACTION_CHANNELS)
        for interaction in self:
            last = interaction.resolution_id or interaction.reason_id or interaction.status_id
            interaction.display_name = (
                f"{channels.get(interaction.channel, '')}: {last.complete_name}"
                if last
                else channels.get(interaction.channel, "")
            )

    @api.onchange("status_id")
    def _onchange_status_id(self):
        if self.reason_id.parent_id != self.status_id:
            self.reason_id = False

    @api.onchange("reason_id")
    def _onchange_reason_id(self):
        if self.resolution_id.parent_id != self.reason_id:
            self.resolution_id = False

    @api.onchange("reason_id", "resolution_id")
    def _onchange_commitment_letter(self):
        """A disposition without a promise to pay has no commitment letter."""
        if self.is_commitment_letter and not self.requires_promise:
            self.is_commitment_letter = False
            self.commitment_letter_ids = False

    @api.constrains("status_id", "reason_id", "resolution_id")
    def _check_layers(self):
        """Each layer must be a child of the layer chosen above it."""
        for interaction in self:
            status, reason, resolution = (
                interaction.status_id,
                interaction.reason_id,
                interaction.resolution_id,
            )
            if status.layer != 1:
                raise ValidationError(self.env._("%s is not a contact status.", status.name))
            if reason and reason.parent_id != status:
                raise ValidationError(
                    self.env._(
                        "The reason %(reason)s does not belong to the status %(status)s.",
                        reason=reason.name,
                        status=status.name,
                    )
                )
            if resolution and resolution.parent_id != reason:
                raise ValidationError(
                    self.env._(
                        "The resolution %(resolution)s does not belong to the reason %(reason)s.",
                        resolution=resolution.name,
                        reason=reason.name or self.env._("(none)"),
                    )
                )
            if not reason and status.child_ids:
                raise ValidationError(self.env._("Choose a reason under %s.", status.name))
            if reason and not resolution and reason.child_ids:
                raise ValidationError(self.env._("Choose a resolution under %s.", reason.name))

    @api.constrains(
        "promise_date",
        "promise_amount",
        "callback_date",
        "reason_id",
        "resolution_id",
        "is_commitment_letter",
    )
    def _check_follow_up(self):
        for interaction in self:
            if interaction.is_commitment_letter and not interaction.requires_promise:
                raise ValidationError(
                    self.env._(
                        "A commitment letter is a promise to pay: choose a disposition "
                        "that records one (Promise to Pay)."
                    )
                )
            if interaction.requires_promise and (
                not interaction.promise_date or interaction.promise_amount <= 0
            ):
                raise ValidationError(
                    self.env._("A promise to pay needs the promised amount and date.")
                )
            if interaction.requires_promise:
                self.env["collection.promise"]._collection_check_promise_terms(
                    interaction.ticket_id,
                    interaction.promise_amount,
                    interaction.promise_date,
                    interaction.date.date(),
                )
            if interaction.requires_callback and not interaction.callback_date:
                raise ValidationError(self.env._("Say when to call the customer back."))

    @api.constrains("date")
    def _check_date_window(self):
        """Rule: a contact is logged when it happens: not in the future (beyond
        a few minutes of clock skew) and not further back than the company's
        window (``collection_interaction_backdate_hours``). A backdated contact
        would dodge the contact rules and fake the case's contact dates."""
        now = fields.Datetime.now()
        for interaction in self:
            hours = interaction.company_id.collection_interaction_backdate_hours
            if interaction.date > now + FUTURE_TOLERANCE:
                raise ValidationError(self.env._("A contact cannot be logged in the future."))
            if interaction.date < now - timedelta(hours=hours):
                raise ValidationError(
                    self.env._("A contact is logged within %s hours of when it happened.", hours)
                )

    @api.model_create_multi
    def create(self, vals_list):
        interactions = super().create(vals_list)
        interactions._check_author()
        interactions._check_contact_rules()
        interactions._apply_follow_ups()
        return interactions

    def _check_author(self):
        """Rule: an agent logs contacts under their own name; only a collections
        manager logs one for someone else (e.g. a call taken by a colleague).
        The agent reports count contacts per author."""
        if self.env.su or self.env.user.has_group("collections_dunning.group_collection_manager"):
            return
        if any(interaction.user_id != self.env.user for interaction in self):
            raise AccessError(
                self.env._(
                    "You log contacts under your own name; only a collections manager "
                    "logs one for someone else."
                )
            )

    def _check_contact_rules(self):
        """Refuse an attempt the contact rules forbid, unless a manager overrides it."""
        is_manager = self.env.user.has_group("collections_dunning.group_collection_manager")
        for interaction in self.filtered(lambda i: i.direction == "outbound"):
            reason = interaction.partner_id._collection_contact_blocked(
                interaction.channel,
                interaction.date,
                interaction.company_id,
                ignore=interaction,
            )
            if not reason:
                continue
            override = self.env.context.get("collection_override_reason")
            if is_manager and override:
                interaction._collection_action_write(
                    {"is_override": True, "override_reason": override}
                )
                continue
            raise UserError(
                self.env._(
                    "This contact is not allowed: %(reason)s. A manager may log it as an "
                    "override with a reason.",
                    reason=reason,
                )
            )

    @api.model
    def _attempts_since(self, partners, since, company=None):
        """Outbound attempts per (partner, channel) since a date: logged contacts and
        automated reminders that went out, in two grouped queries; only those of
        ``company``'s cases when given."""
        in_company = [("company_id", "=", company.id)] if company else []
        domain = [
            ("partner_id", "in", partners.ids),
            ("date", ">=", since),
            ("direction", "=", "outbound"),
            *in_company,
        ]
        counts = {}
        for partner, channel, count in self.sudo()._read_group(
            domain, ["partner_id", "channel"], ["__count"]
        ):
            counts[(partner.id, channel)] = counts.get((partner.id, channel), 0) + count
        for partner, channel, count in (
            self.env["collection.reminder"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("state", "in", ATTEMPT_STATES),
                    "|",
                    ("sent_date", ">=", since),
                    "&",
                    ("sent_date", "=", False),
                    ("claimed_date", ">=", since),
                    ("channel", "!=", "activity"),
                    *in_company,
                ],
                ["partner_id", "channel"],
                ["__count"],
            )
        ):
            counts[(partner.id, channel)] = counts.get((partner.id, channel), 0) + count
        return counts
