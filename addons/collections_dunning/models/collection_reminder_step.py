from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("whatsapp", "WhatsApp"),
    ("ivr", "IVR Call"),
    ("activity", "Agent Activity"),
    ("notice_of_default", "Notice of Default (email + SMS)"),
]
# Issue 12: the notice of default step issues the notice PDF by email (attached)
# and by SMS (a link to the same PDF); without templates of its own it uses these.
NOTICE_MAIL_TEMPLATE = "collections_dunning.mail_template_notice_of_default"
NOTICE_SMS_TEMPLATE = "collections_dunning.sms_template_notice_of_default"
# Issue 12 (solar policy): what a step says. While the customer has an open
# service issue only the service-issue steps go; otherwise only the payment ones.
MESSAGE_SETS = [
    ("payment", "Payment reminder"),
    ("service_issue", "Service issue (no payment demand)"),
]
# Issue 10: a step is due on the reference date or up to a year after it.
MAX_DAY_OFFSET = 365


class CollectionReminderStep(models.Model):
    _name = "collection.reminder.step"
    _inherit = ["collection.settings.revision"]
    _description = "Collection Reminder Step"
    _order = "level_id, day_offset, sequence, id"

    level_id = fields.Many2one(
        comodel_name="collection.policy.level", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="level_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    day_offset = fields.Integer(
        string="Day",
        help="Days after the reference date (entering the level, or the due date of "
        "the oldest overdue invoice).",
    )
    offset_from = fields.Selection(
        selection=[("level", "Entering the level"), ("due_date", "Due date")],
        string="Counted From",
        required=True,
        default="level",
    )
    channel = fields.Selection(selection=CHANNELS, required=True, default="email")
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="Email Template",
        domain="[('model', '=', 'helpdesk.ticket')]",
    )
    sms_template_id = fields.Many2one(
        comodel_name="sms.template",
        string="Message Template",
        domain="[('model', '=', 'helpdesk.ticket')]",
        help="Text of the SMS, WhatsApp message or IVR call.",
    )
    whatsapp_template_name = fields.Char(
        string="WhatsApp Template",
        help="Name of the template approved by Meta, required by the WhatsApp Business "
        "Cloud API for messages the business starts.",
    )
    whatsapp_template_lang = fields.Char(
        string="Template Language", default="en", help="Language code of the template, e.g. en_US."
    )
    whatsapp_template_params = fields.Text(
        string="Template Parameters",
        help="One expression per line, in the order of the template's body variables "
        "({{1}}, {{2}}, ...), rendered on the case, e.g. {{ object.partner_id.name }}.",
    )
    activity_type_id = fields.Many2one(
        comodel_name="mail.activity.type",
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'helpdesk.ticket')]",
    )
    message_set = fields.Selection(
        selection=MESSAGE_SETS,
        required=True,
        default="payment",
        help="Payment reminders go while the customer has no open service issue; "
        "service-issue messages (acknowledging the issue, with no payment demand) go "
        "only while one is open (see the policy's service issue categories).",
    )
    only_if_unpaid = fields.Boolean(
        string="Only If Still Unpaid",
        default=True,
        help="Skip this step when the customer has paid something since the case "
        "entered the level.",
    )

    @api.depends("channel", "day_offset", "offset_from", "message_set")
    def _compute_name(self):
        channels = dict(CHANNELS)
        for step in self:
            reference = (
                self.env._("of the level")
                if step.offset_from == "level"
                else self.env._("past due")
            )
            step.name = self.env._(
                "%(channel)s on day %(day)s %(reference)s",
                channel=channels.get(step.channel, ""),
                day=step.day_offset,
                reference=reference,
            )
            if step.message_set == "service_issue":
                step.name = self.env._("%s (service issue)", step.name)

    @api.constrains("day_offset")
    def _check_day_offset(self):
        """Issue 10: a step is due 0 to MAX_DAY_OFFSET days after its reference date;
        the run never sends a step dated before the case entered its level, so a
        negative offset would be silently skipped."""
        for step in self:
            if not 0 <= step.day_offset <= MAX_DAY_OFFSET:
                raise ValidationError(
                    self.env._(
                        "Reminder step %(step)s: the day must be between 0 and %(max)s.",
                        step=step.name,
                        max=MAX_DAY_OFFSET,
                    )
                )

    @api.constrains("message_set", "channel")
    def _check_service_issue_channel(self):
        """Issue 12 (solar policy): a service-issue message makes no payment demand,
        and a notice of default is one: such a step cannot be a notice of default."""
        for step in self:
            if step.message_set == "service_issue" and step.channel == "notice_of_default":
                raise ValidationError(
                    self.env._(
                        "Reminder step %(step)s of level %(level)s: a service-issue message "
                        "makes no payment demand, so it cannot be a notice of default.",
                        step=step.name,
                        level=step.level_id.code,
                    )
                )

    @api.constrains("channel", "mail_template_id", "sms_template_id", "activity_type_id")
    def _check_template(self):
        for step in self:
            missing = (
                (step.channel == "email" and not step.mail_template_id)
                or (step.channel in ("sms", "whatsapp", "ivr") and not step.sms_template_id)
                or (step.channel == "activity" and not step.activity_type_id)
            )
            if missing:
                raise ValidationError(
                    self.env._(
                        "Reminder step %(step)s of level %(level)s needs a template or "
                        "activity type for its channel.",
                        step=step.name,
                        level=step.level_id.code,
                    )
                )

    def _whatsapp_render_parameters(self, ticket_ids):
        """Render the template parameters on the cases, one line per parameter:
        {ticket id: [text, ...]}."""
        self.ensure_one()
        lines = [
            line.strip()
            for line in (self.whatsapp_template_params or "").splitlines()
            if line.strip()
        ]
        Render = self.env["mail.render.mixin"].sudo()
        rendered = [
            Render._render_template(line, "helpdesk.ticket", ticket_ids, engine="inline_template")
            for line in lines
        ]
        return {tid: [str(values[tid] or "") for values in rendered] for tid in ticket_ids}

    def _notice_templates(self):
        """Issue 12: the email and SMS templates of a notice of default step: its
        own, else the shipped notice templates."""
        self.ensure_one()
        return (
            self.mail_template_id or self.env.ref(NOTICE_MAIL_TEMPLATE),
            self.sms_template_id or self.env.ref(NOTICE_SMS_TEMPLATE),
        )

    def _due_date(self, level_date, oldest_due_date):
        """The day this step is due for a case, or None if it cannot be known."""
        self.ensure_one()
        reference = level_date if self.offset_from == "level" else oldest_due_date
        return reference and reference + timedelta(days=self.day_offset)
