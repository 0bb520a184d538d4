from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_purifier_pattern = fields.Char(
        related="company_id.collection_purifier_pattern", readonly=False
    )
    collection_callback_delay = fields.Integer(
        related="company_id.collection_callback_delay", readonly=False
    )
    collection_team_id = fields.Many2one(related="company_id.collection_team_id", readonly=False)
    collection_support_team_id = fields.Many2one(
        related="company_id.collection_support_team_id", readonly=False
    )
    collection_operations_team_id = fields.Many2one(
        related="company_id.collection_operations_team_id", readonly=False
    )
    collection_contact_hour_from = fields.Float(
        related="company_id.collection_contact_hour_from", readonly=False
    )
    collection_contact_hour_to = fields.Float(
        related="company_id.collection_contact_hour_to", readonly=False
    )
    collection_attempt_cap = fields.Integer(
        related="company_id.collection_attempt_cap", readonly=False
    )
    collection_attempt_window = fields.Integer(
        related="company_id.collection_attempt_window", readonly=False
    )
    collection_unreachable_days = fields.Integer(
        related="company_id.collection_unreachable_days", readonly=False
    )
    collection_unreachable_attempts = fields.Integer(
        related="company_id.collection_unreachable_attempts", readonly=False
    )
    collection_broken_promises = fields.Integer(
        related="company_id.collection_broken_promises", readonly=False
    )
    collection_waiver_threshold = fields.Monetary(
        related="company_id.collection_waiver_threshold", readonly=False
    )
    collection_bureau_days = fields.Integer(
        related="company_id.collection_bureau_days", readonly=False
    )
    collection_pause_fee = fields.Monetary(
        related="company_id.collection_pause_fee", readonly=False
    )
    collection_promise_max_days = fields.Integer(
        related="company_id.collection_promise_max_days", readonly=False
    )
    collection_plan_max_months = fields.Integer(
        related="company_id.collection_plan_max_months", readonly=False
    )
    collection_interaction_backdate_hours = fields.Integer(
        related="company_id.collection_interaction_backdate_hours", readonly=False
    )
    collection_grace_max_days = fields.Integer(
        related="company_id.collection_grace_max_days", readonly=False
    )
    collection_grace_period_days = fields.Integer(
        related="company_id.collection_grace_period_days", readonly=False
    )
    collection_pause_max_days = fields.Integer(
        related="company_id.collection_pause_max_days", readonly=False
    )
    collection_no_billing_days = fields.Integer(
        related="company_id.collection_no_billing_days", readonly=False
    )
    collection_uncooperative_team_id = fields.Many2one(
        related="company_id.collection_uncooperative_team_id", readonly=False
    )
    collection_reference_script = fields.Text(
        related="company_id.collection_reference_script", readonly=False
    )
    collection_recovery_email = fields.Char(
        related="company_id.collection_recovery_email", readonly=False
    )
    collection_delinquent_days = fields.Integer(
        related="company_id.collection_delinquent_days", readonly=False
    )
    collection_recovery_downpayment_days = fields.Integer(
        related="company_id.collection_recovery_downpayment_days", readonly=False
    )
    collection_recovery_days = fields.Integer(
        related="company_id.collection_recovery_days", readonly=False
    )
    collection_pause_repeat_days = fields.Integer(
        related="company_id.collection_pause_repeat_days", readonly=False
    )
    collection_commitment_letter_days = fields.Integer(
        related="company_id.collection_commitment_letter_days", readonly=False
    )
