from odoo import api, models


class CollectionRun(models.AbstractModel):
    _inherit = "collection.run"

    @api.model
    def _run(self, today):
        res = super()._run(today)
        self.env["collection.legal.notice"]._cron_check_notices()
        return res

    def _close_cases(self, tickets):
        """When the overdue is paid, the Asset Recovery cases of the customer close too."""
        open_cases = tickets.art_case_ids.filtered(lambda case: not case.stage_id.closed)
        res = super()._close_cases(tickets)
        if open_cases:
            open_cases.write({"stage_id": self.env.ref("collections_art.stage_paid").id})
            open_cases._message_log_batch(
                bodies={case.id: self.env._("The overdue amount was paid.") for case in open_cases}
            )
        return res
