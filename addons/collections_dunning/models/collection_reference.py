from markupsafe import Markup

from odoo import api, fields, models


class CollectionReference(models.Model):
    """A contact the customer gave who may be called about the overdue account."""

    _name = "collection.reference"
    _description = "Collection Reference"
    _order = "partner_id, sequence, id"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", default=lambda self: self.env.company, index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    phone = fields.Char()
    email = fields.Char()
    relation = fields.Selection(
        selection=[
            ("co_subscriber", "Co-subscriber"),
            ("family", "Family"),
            ("friend", "Friend"),
            ("colleague", "Office contact"),
            ("other", "Other"),
        ],
        required=True,
        default="family",
    )
    is_co_subscriber = fields.Boolean(compute="_compute_is_co_subscriber", store=True)
    call_script = fields.Text(
        compute="_compute_call_script",
        help="What to say to this reference: the company's reference call script. Data "
        "privacy: never the amount, the debt or the account's state.",
    )
    call_activity_id = fields.Many2one(
        comodel_name="mail.activity",
        string="Call Scheduled",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The last call to this reference, scheduled when the customer became "
        "unreachable; a new one is scheduled only once it is done.",
    )

    @api.depends("relation")
    def _compute_is_co_subscriber(self):
        for reference in self:
            reference.is_co_subscriber = reference.relation == "co_subscriber"

    @api.depends("partner_id.name", "company_id")
    @api.depends_context("company", "uid")
    def _compute_call_script(self):
        for reference in self:
            reference.call_script = reference._collection_call_script(self.env.user)

    @api.depends("name", "relation")
    def _compute_display_name(self):
        relations = dict(self._fields["relation"].selection)
        for reference in self:
            reference.display_name = f"{reference.name} ({relations.get(reference.relation)})"

    def _collection_call_script(self, agent):
        """Rule (lending flow: references are contacted politely; data privacy): a
        reference hears only that the company is trying to reach the customer,
        never the amount nor the debt. The script is the company's (checked when
        saved, see ``res.company._check_collection_reference_script``), with the
        customer's, the company's and the agent's names filled in."""
        self.ensure_one()
        company = self.company_id or self.env.company
        script = company.collection_reference_script or (
            company._default_collection_reference_script()
        )
        for placeholder, value in (
            ("{customer}", self.partner_id.name or ""),
            ("{company}", company.name or ""),
            ("{agent}", agent.name or ""),
        ):
            script = script.replace(placeholder, value)
        return script

    def _collection_schedule_calls(self, cases):
        """Rule (lending flow: unreachable customers' references are called): one
        call activity per reference, on the customer's case (``cases``: partner id
        -> case) for the case's agent, with the script to read; never a second
        while the first is pending."""
        activities = self.env["mail.activity"]
        # a call done is archived by Odoo: only a pending one holds the next
        for reference in self.filtered(lambda ref: not ref.call_activity_id.active):
            case = cases.get(reference.partner_id.id)
            if not case:
                continue
            agent = case.user_id or case.team_id.user_id or self.env.user
            relations = dict(reference._fields["relation"].selection)
            activity = case.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._(
                    "Call reference %(name)s (%(relation)s)",
                    name=reference.name,
                    relation=relations.get(reference.relation),
                ),
                note=Markup("<p>%s</p><p>%s</p>")
                % (
                    self.env._("Script (say nothing else about the account):"),
                    reference._collection_call_script(agent),
                ),
                user_id=agent.id,
            )
            reference.sudo().call_activity_id = activity
            activities |= activity
        return activities
