from odoo import fields, models


class CollectionPromise(models.Model):
    """A promise to pay an amount by a date, decided kept or broken by real payments."""

    _name = "collection.promise"
    _inherit = ["collection.case.mixin"]
    _description = "Promise to Pay"
    _order = "date desc, id desc"

    interaction_id = fields.Many2one(comodel_name="collection.interaction", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Agent")
    amount = fields.Monetary(currency_field="currency_id", required=True)
    date = fields.Date(string="Promised For", required=True)
    start_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Payments from this day on count towards the promise.",
    )
    paid_amount = fields.Monetary(currency_field="currency_id", readonly=True)
    state = fields.Selection(
        selection=[("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        required=True,
        default="open",
        index=True,
    )
    closed_date = fields.Date(readonly=True)

    def _evaluate(self, today):
        """Kept once payments since the promise reach its amount, broken when its
        date passes short of it. Payments are read from accounting reconciliation."""
        promises = self.filtered(lambda p: p.state == "open")
        paid = promises.partner_id._collection_paid_amounts(
            {
                promise.id: (promise.partner_id.id, promise.start_date, promise.date)
                for promise in promises
            }
        )
        kept, broken = self.browse(), self.browse()
        self.env["collection.run"]._sql_update(
            self._name,
            {promise.id: {"paid_amount": paid.get(promise.id, 0.0)} for promise in promises},
        )
        for promise in promises:
            amount = promise.paid_amount
            if promise.currency_id.compare_amounts(amount, promise.amount) >= 0:
                kept |= promise
            elif today > promise.date:
                broken |= promise
        kept.write({"state": "kept", "closed_date": today})
        broken.write({"state": "broken", "closed_date": today})
        broken._notify_broken()
        if kept or broken:
            (kept | broken).partner_id._collection_update_flags()
        return kept, broken

    def _notify_broken(self):
        for promise in self:
            promise.ticket_id.sudo().activity_schedule(
                "collections_dunning.mail_activity_type_follow_up",
                summary=self.env._(
                    "Promise broken: %(paid)s of %(amount)s paid by %(date)s",
                    paid=promise.paid_amount,
                    amount=promise.amount,
                    date=promise.date,
                ),
                user_id=(promise.user_id or promise.ticket_id.user_id or self.env.user).id,
            )
