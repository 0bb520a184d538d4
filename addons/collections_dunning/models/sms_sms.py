from odoo import models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self.env["collection.reminder"]._update_from_sms(self)
        return res
