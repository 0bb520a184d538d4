from odoo import api, models
from odoo.exceptions import UserError


class CollectionPartnerOwnedFields(models.AbstractModel):
    """The customer's collection fields that only their owner writes (the daily
    run, a decision on a case, a button), refused to a form or an RPC client
    that sends them to ``create()`` or ``write()``: a bureau status, a flag or a
    welcome call typed in by hand would change who is chased and what the credit
    bureau hears. Each feature's mixin names its fields in
    ``_collection_partner_owned_fields``; their owners write as superuser.
    Mixed into ``res.partner`` after the features' mixins."""

    _name = "collection.partner.owned.fields"
    _description = "Collection Customer Fields Written by Their Owner"

    def _collection_partner_owned_fields(self):
        """{field name: what sets it, in the user's words}."""
        return {}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._collection_check_partner_owned_vals(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._collection_check_partner_owned_vals(vals)
        return super().write(vals)

    @api.model
    def _collection_is_default(self, name, value):
        field = self._fields[name]
        default = field.default(self) if field.default else False
        return not value or value == default

    @api.model
    def _collection_check_partner_owned_vals(self, vals, creating=False):
        """Rule: an owned field is never set by hand, whatever the caller; on
        create, its default value (what a new customer has anyway: empty, or a
        "current" bureau status) is let through, as callers that send every
        default (``copy()``, imports) do."""
        if self.env.su:
            return
        owned = self._collection_partner_owned_fields()
        refused = [
            name
            for name in owned
            if name in vals and not (creating and self._collection_is_default(name, vals[name]))
        ]
        if refused:
            raise UserError(
                self.env._(
                    "%(fields)s cannot be edited: %(how)s.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env) for name in refused
                    ),
                    how="; ".join(dict.fromkeys(owned[name] for name in refused)),
                )
            )
