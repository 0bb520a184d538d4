from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

OUTCOMES = [
    ("met_paid", "Met and paid"),
    ("met_promised", "Met and promised"),
    ("not_available", "Not available"),
    ("vacated", "Premises vacated"),
    ("recovered", "Asset recovered"),
    ("refused", "Refused"),
    ("other", "Other"),
]


class CollectionArtVisit(models.Model):
    """A field visit of an Asset Recovery officer, recorded from the phone."""

    _name = "collection.art.visit"
    _description = "Asset Recovery Field Visit"
    _inherit = ["mail.thread"]
    _order = "scheduled_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Case",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('is_art_case', '=', True)]",
    )
    partner_id = fields.Many2one(related="ticket_id.partner_id", string="Customer")
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    officer_id = fields.Many2one(
        comodel_name="res.users",
        required=True,
        default=lambda self: self.env.user,
        index=True,
    )
    scheduled_date = fields.Datetime(string="Scheduled", required=True, default=fields.Datetime.now)
    deadline = fields.Datetime(related="ticket_id.art_visit_deadline")
    address = fields.Char(compute="_compute_address")
    phone = fields.Char(related="partner_id.phone")
    checkin_date = fields.Datetime(string="Checked In", readonly=True)
    latitude = fields.Float(digits=(10, 7), readonly=True)
    longitude = fields.Float(digits=(10, 7), readonly=True)
    geo_status = fields.Selection(
        selection=[
            ("captured", "Position captured"),
            ("denied", "Permission refused"),
            ("unavailable", "Position unavailable"),
        ],
        string="Location",
        readonly=True,
    )
    photo_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="collection_art_visit_photo_rel",
        column1="visit_id",
        column2="attachment_id",
        string="Photos",
    )
    outcome = fields.Selection(selection=OUTCOMES)
    neighbours_info = fields.Text(string="Neighbours' Information")
    recovered_purifier_id = fields.Char(
        string="Recovered Purifier ID", help="Serial read on the recovered device."
    )
    note = fields.Text()
    follow_up_visit_id = fields.Many2one(
        comodel_name="collection.art.visit", string="Follow-up Visit", readonly=True
    )
    state = fields.Selection(
        selection=[("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
    )

    @api.depends("ticket_id.number", "scheduled_date")
    def _compute_name(self):
        for visit in self:
            day = fields.Date.to_string(visit.scheduled_date) or ""
            visit.name = f"{visit.ticket_id.number or ''} · {day}"

    @api.depends(
        "ticket_id.partner_id.street",
        "ticket_id.partner_id.street2",
        "ticket_id.partner_id.zip",
        "ticket_id.partner_id.city",
        "ticket_id.partner_id.state_id",
        "ticket_id.partner_id.country_id",
    )
    def _compute_address(self):
        """The customer's address as the officer reads it: the country's address
        format on one line, without the separators and spaces of missing parts."""
        for visit in self:
            partner = visit.ticket_id.partner_id
            text = partner._display_address(without_company=True) if partner else ""
            # "Austin  78701" (no state) or "City, , Zip" read as "Austin 78701", "City, Zip"
            parts = (
                " ".join(part.split()) for line in text.splitlines() for part in line.split(",")
            )
            visit.address = ", ".join(part for part in parts if part) or False

    @api.constrains("recovered_purifier_id", "ticket_id")
    def _check_recovered_purifier(self):
        for visit in self.filtered("recovered_purifier_id"):
            expected = visit.ticket_id.purifier_id
            if visit.recovered_purifier_id.strip() != (expected or "").strip():
                raise ValidationError(
                    self.env._(
                        "The recovered device %(found)s is not the customer's purifier "
                        "%(expected)s. Check the serial on the device.",
                        found=visit.recovered_purifier_id,
                        expected=expected or self.env._("(none on record)"),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        visits.ticket_id.filtered(lambda case: not case.stage_id.closed).write(
            {"stage_id": self.env.ref("collections_art.stage_visit_scheduled").id}
        )
        return visits

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    def action_check_in(self, latitude=None, longitude=None, geo_status="unavailable"):
        """Called by the phone with its position; a refused permission is kept, not fatal."""
        self.ensure_one()
        if self.state != "planned":
            raise UserError(self.env._("This visit is already closed."))
        vals = {"checkin_date": fields.Datetime.now(), "geo_status": geo_status}
        if geo_status == "captured" and latitude is not None and longitude is not None:
            vals.update(latitude=latitude, longitude=longitude)
        self.write(vals)
        case = self.ticket_id
        if not case.art_first_visit_date:
            case.sudo().art_first_visit_date = vals["checkin_date"]
        return True

    def action_done(self):
        """Close the visit and set its outcome in motion."""
        for visit in self:
            if not visit.outcome:
                raise UserError(self.env._("Set the outcome of the visit first."))
            if not visit.checkin_date:
                visit.action_check_in()
            visit.state = "done"
            getattr(visit, f"_on_{visit.outcome}", lambda: None)()
            visit.ticket_id.sudo()._message_log(
                body=self.env._(
                    "Field visit by %(officer)s: %(outcome)s. %(info)s",
                    officer=visit.officer_id.name,
                    outcome=dict(OUTCOMES)[visit.outcome],
                    info=visit.neighbours_info or "",
                )
            )
            if visit.ticket_id.stage_id == self.env.ref("collections_art.stage_visit_scheduled"):
                visit.ticket_id.sudo().stage_id = self.env.ref("collections_art.stage_visited")
        return True

    def _on_not_available(self):
        """Customer away: ask the neighbours and come back the next day."""
        follow_up = self.create(
            {
                "ticket_id": self.ticket_id.id,
                "officer_id": self.officer_id.id,
                "scheduled_date": fields.Datetime.now() + timedelta(days=1),
                "note": self.env._("Follow-up of the visit of %s", self.checkin_date),
            }
        )
        self.follow_up_visit_id = follow_up

    def _on_vacated(self):
        """Premises vacated: a ground-level investigation starts."""
        self.ticket_id.sudo().activity_schedule(
            "collections_art.mail_activity_type_investigation",
            summary=self.env._("Ground-level investigation: premises vacated"),
            note=self.neighbours_info,
            user_id=(self.ticket_id.team_id.user_id or self.officer_id).id,
        )

    def _on_recovered(self):
        """Asset recovered: the device is back, the case moves to Recovered."""
        if not self.recovered_purifier_id:
            raise UserError(self.env._("Type the serial of the recovered device."))
        case = self.ticket_id.sudo()
        case.write(
            {
                "art_asset_returned_date": fields.Datetime.now(),
                "stage_id": self.env.ref("collections_art.stage_recovered").id,
            }
        )
        case._message_log(
            body=self.env._("Purifier %s returned to the company.", self.recovered_purifier_id)
        )
