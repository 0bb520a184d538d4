from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Issue 10: the last day past due a level may name (ten years).
MAX_DPD = 3650


class CollectionPolicyLevel(models.Model):
    _name = "collection.policy.level"
    _inherit = ["collection.settings.revision"]
    _description = "Collection Policy Level"
    _order = "policy_id, dpd_from, id"
    _rec_name = "code"

    policy_id = fields.Many2one(
        comodel_name="collection.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    code = fields.Char(required=True, help="Short name of the bucket, e.g. L1.")
    name = fields.Char(required=True, translate=True)
    dpd_from = fields.Integer(string="From Day", required=True, default=1)
    dpd_to = fields.Integer(
        string="To Day", help="Last day past due of the level; 0 means no upper bound."
    )
    stage_id = fields.Many2one(
        comodel_name="helpdesk.ticket.stage",
        help="Kanban column of the cases in this level.",
    )
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        domain="[('is_collection_team', '=', True)]",
        help="Team that owns the cases of this level; the company's Collections team when empty.",
    )
    hand_over_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Hand over to",
        help="A case entering this level is handed over to this team, which takes the "
        "next steps (e.g. asset recovery); the case stays with its own team.",
    )
    step_ids = fields.One2many(
        comodel_name="collection.reminder.step",
        inverse_name="level_id",
        string="Reminder Steps",
        copy=True,
    )

    _code_uniq = models.Constraint(
        "UNIQUE(policy_id, code)", "A level code is used once per policy."
    )

    def _compute_display_name(self):
        for level in self:
            level.display_name = f"{level.code} · {level.name}" if level.name else level.code

    @api.constrains("dpd_from", "dpd_to")
    def _check_days(self):
        """Issue 10: a level starts at day 1 to MAX_DPD past due and ends after it
        starts (or never, 0); levels of a policy follow each other without gap."""
        for level in self:
            if not 1 <= level.dpd_from <= MAX_DPD:
                raise ValidationError(
                    self.env._(
                        "Level %(code)s must start between day 1 and day %(max)s past due.",
                        code=level.code,
                        max=MAX_DPD,
                    )
                )
            if level.dpd_to > MAX_DPD or level.dpd_to < 0:
                raise ValidationError(
                    self.env._(
                        "Level %(code)s must end by day %(max)s past due (0: no end).",
                        code=level.code,
                        max=MAX_DPD,
                    )
                )
            if level.dpd_to and level.dpd_to < level.dpd_from:
                raise ValidationError(
                    self.env._(
                        "Level %(code)s ends (day %(end)s) before it starts (day %(start)s).",
                        code=level.code,
                        end=level.dpd_to,
                        start=level.dpd_from,
                    )
                )
        # A level edited on its own must still fit between its neighbours.
        self.policy_id._check_levels_contiguous()

    @api.constrains("stage_id", "team_id")
    def _check_stage_team(self):
        for level in self.filtered("stage_id"):
            team = level._get_team()
            stage_teams = level.stage_id.team_ids
            if stage_teams and team not in stage_teams:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s of level %(code)s is not a stage of team %(team)s.",
                        stage=level.stage_id.name,
                        code=level.code,
                        team=team.display_name,
                    )
                )

    def _get_team(self):
        self.ensure_one()
        return self.team_id or self.policy_id.company_id.collection_team_id
