from odoo import fields, models
from odoo.exceptions import AccessError, UserError

# Issue 12 (solar policy): written by the "Record Welcome Call" action only
# (collection.partner.owned.fields refuses them to anyone else).
WELCOME_CALL_FIELDS = ("collection_welcome_call_date", "collection_welcome_call_user_id")
# Who records the welcome call: the customer team (Support) and Collections.
WELCOME_CALL_GROUPS = (
    "helpdesk_mgmt.group_helpdesk_user_own",
    "collections_dunning.group_collection_agent",
)


class CollectionPartnerWelcomeCall(models.AbstractModel):
    """The customer's welcome call (solar policy), which lets a downpayment
    customer enter collections. Mixed into ``res.partner``; the gate itself is
    ``engine/cases.py: awaiting_welcome_call``."""

    _name = "collection.partner.welcome.call"
    _description = "Collection Welcome Call"

    collection_welcome_call_date = fields.Date(
        string="Welcome Call On",
        readonly=True,
        copy=False,
        help="Recorded with the Record Welcome Call button. A downpayment customer "
        "enters collections only after the welcome call or a first downpayment "
        "payment (policies that wait for the welcome call).",
    )
    collection_welcome_call_user_id = fields.Many2one(
        comodel_name="res.users", string="Welcome Call By", readonly=True, copy=False
    )

    def _collection_partner_owned_fields(self):
        """Rule: the welcome call is recorded by its button, which says who made it
        and when (a date typed in would let a downpayment customer into
        collections, or keep one out)."""
        how = self.env._("the welcome call is recorded with the Record Welcome Call button")
        return {
            **super()._collection_partner_owned_fields(),
            **dict.fromkeys(WELCOME_CALL_FIELDS, how),
        }

    def action_collection_record_welcome_call(self):
        """The customer team's "Record Welcome Call": today's date and who made the
        call, on the commercial entity, once (a second recording is refused,
        naming the first)."""
        user = self.env.user
        if not self.env.su and not any(user.has_group(group) for group in WELCOME_CALL_GROUPS):
            raise AccessError(
                self.env._("Only Support and Collections users record a welcome call.")
            )
        customers = self.commercial_partner_id
        customers.check_access("read")
        for customer in customers.filtered("collection_welcome_call_date"):
            raise UserError(
                self.env._(
                    "The welcome call of %(customer)s was already recorded on %(date)s by "
                    "%(user)s.",
                    customer=customer.display_name,
                    date=customer.collection_welcome_call_date,
                    user=customer.collection_welcome_call_user_id.name or "-",
                )
            )
        customers.sudo().write(
            {
                "collection_welcome_call_date": fields.Date.context_today(self),
                "collection_welcome_call_user_id": user.id,
            }
        )
        for customer in customers:
            customer._message_log(
                body=self.env._(
                    "Welcome call recorded by %s: the customer may now enter collections.",
                    user.name,
                )
            )
        return True
