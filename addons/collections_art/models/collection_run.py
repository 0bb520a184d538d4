from odoo import models


class CollectionRun(models.AbstractModel):
    """The daily run, with the steps of Asset Recovery: its cases close with the
    collection case they came from, and legal notices without an answer are
    decided once the customers are worked. The hand-over itself is the
    ``helpdesk.ticket._collection_hand_over`` hook, which opens the Asset Recovery
    case."""

    _inherit = "collection.run"

    def _run_steps(self):
        return super()._run_steps() + ["_step_art_check_legal_notices"]

    def _batch_steps(self):
        steps = super()._batch_steps()
        after = steps.index("_step_close_paid_cases") + 1
        return steps[:after] + ["_step_art_close_paid_cases"] + steps[after:]

    def _step_art_check_legal_notices(self, today, log):
        """Rule (Collection SOP, Legal Notices): "The customer will have 15 days to
        respond before the case is marked as NPA." Once the customers are worked,
        a payment or a contact answers a notice; silence past its window makes
        the account an NPA."""
        self.env["collection.legal.notice"]._cron_check_notices()

    def _step_art_close_paid_cases(self, batch):
        """When the overdue is paid, the Asset Recovery cases of the customer close too."""
        open_cases = batch.closed.art_case_ids.filtered(lambda case: not case.stage_id.closed)
        if open_cases:
            open_cases.write({"stage_id": self.env.ref("collections_art.stage_paid").id})
            open_cases._message_log_batch(
                bodies={case.id: self.env._("The overdue amount was paid.") for case in open_cases}
            )
