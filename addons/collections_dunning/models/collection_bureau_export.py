import base64
import csv
import io
import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

CSV_COLUMNS = [
    "period",
    "record_type",
    "customer_ref",
    "customer_name",
    "vat",
    "phone",
    "email",
    "days_past_due",
    "amount_overdue",
    "currency",
    "oldest_due_date",
    "account_status",
]
# Issue 10: columns the export fills from numbers it formats itself; every other
# column is text, and text may come from what a customer or an agent typed.
NUMERIC_COLUMNS = frozenset({"days_past_due", "amount_overdue"})
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# A telephone number (+91 80 4000 1234) starts with "+" but carries no formula.
PHONE_NUMBER = re.compile(r"\+[0-9][0-9 ().\-/]*")


class CollectionBureauExport(models.Model):
    """One export of reportable accounts to the credit bureau, kept as a log so
    that no account is sent twice for the same period unless corrected."""

    _name = "collection.bureau.export"
    _description = "Credit Bureau Export"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    period = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Month reported (its first day).",
    )
    is_correction = fields.Boolean(
        string="Correction",
        help="Re-send the chosen accounts for a period already reported.",
    )
    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Accounts to Correct",
        help="Only for a correction: the customers whose report is sent again.",
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("done", "Exported")], default="draft", required=True
    )
    export_date = fields.Datetime(readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Exported By", readonly=True)
    line_ids = fields.One2many(
        comodel_name="collection.bureau.export.line", inverse_name="export_id", readonly=True
    )
    attachment_id = fields.Many2one(comodel_name="ir.attachment", string="CSV File", readonly=True)

    @api.depends("period", "is_correction")
    def _compute_name(self):
        for export in self:
            kind = self.env._("Correction") if export.is_correction else self.env._("Report")
            export.name = f"{kind} {export.period and export.period.strftime('%Y-%m') or ''}"

    def _reportable(self):
        """Customers at least the configured days past due, one row each."""
        self.ensure_one()
        domain = [
            ("collection_case", "=", True),
            ("stage_id.closed", "=", False),
            ("company_id", "=", self.company_id.id),
            ("collection_dpd", ">=", self.company_id.collection_bureau_days),
            ("partner_id.commercial_partner_id.collection_bureau_reportable", "=", True),
        ]
        if self.is_correction:
            domain.append(("partner_id", "in", self.partner_ids.ids))
        rows = self.env["helpdesk.ticket"]._read_group(
            domain,
            ["partner_id"],
            ["collection_dpd:max", "amount_overdue:sum", "collection_due_date:min", "id:recordset"],
        )
        return rows

    def action_export(self):
        """Log the accounts to report for the period, attach their CSV and
        download it."""
        self.ensure_one()
        self._check_exportable()
        period = self.period.replace(day=1)
        lines = self._new_line_commands(period)
        if not lines:
            raise UserError(
                self.env._(
                    "No account to report for %s that was not reported already.",
                    period.strftime("%Y-%m"),
                )
            )
        self.write(
            {
                "period": period,
                "line_ids": lines,
                "state": "done",
                "export_date": fields.Datetime.now(),
                "user_id": self.env.user.id,
            }
        )
        self._attach_csv()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    def _check_exportable(self):
        """Rule: an export is made once; a correction names the accounts it corrects."""
        if self.state != "draft":
            raise UserError(self.env._("This export was already made."))
        if self.is_correction and not self.partner_ids:
            raise UserError(self.env._("Choose the accounts the correction is for."))

    def _already_reported(self, period):
        """Rule: no account is reported twice for the same period unless corrected:
        ids of the customers a regular export of ``period`` already holds (none
        for a correction)."""
        if self.is_correction:
            return set()
        return {
            partner.id
            for (partner,) in self.env["collection.bureau.export.line"]._read_group(
                [
                    ("period", "=", period),
                    ("is_correction", "=", False),
                    ("company_id", "=", self.company_id.id),
                ],
                ["partner_id"],
            )
        }

    def _new_line_commands(self, period):
        """One line per reportable customer not reported yet for ``period``."""
        already = self._already_reported(period)
        return [
            Command.create(
                {
                    "partner_id": partner.id,
                    "ticket_id": tickets[:1].id,
                    "dpd": dpd,
                    "amount_overdue": amount,
                    "oldest_due_date": oldest_due,
                    "bureau_status": partner.commercial_partner_id.collection_bureau_status,
                }
            )
            for partner, dpd, amount, oldest_due, tickets in self._reportable()
            if partner.id not in already
        ]

    def _attach_csv(self):
        """The CSV file, kept on the export."""
        self.attachment_id = self.env["ir.attachment"].create(
            {
                "name": f"credit-bureau-{self.period.strftime('%Y-%m')}-{self.id}.csv",
                "datas": base64.b64encode(self._csv().encode()),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "text/csv",
            }
        )

    @api.model
    def _cron_prepare_monthly_export(self):
        """Rule (lending flow: "reporting of non-payment" every month): once a
        month, each company gets the month's regular export in draft, for a
        manager to review and export; the cron never sends anything itself. A
        month that already has its export (draft or made) gets no second one."""
        period = fields.Date.context_today(self).replace(day=1)
        companies = self.env["res.company"].sudo().search([])
        existing = {
            company.id
            for (company,) in self.sudo()._read_group(
                [("period", "=", period), ("is_correction", "=", False)], ["company_id"]
            )
        }
        todo = companies.filtered(lambda company: company.id not in existing)
        exports = self.sudo().create(
            [{"company_id": company.id, "period": period} for company in todo]
        )
        return exports

    @api.model
    def _csv_cell(self, column, value):
        """Issue 10: a text cell is never read as a spreadsheet formula.

        A customer named ``=HYPERLINK(...)`` would run a formula in the
        spreadsheet of whoever opens the file (CSV injection). Text cells starting
        with ``= + - @``, a tab or a line break get a leading single quote, which
        spreadsheets show as text. Numeric columns (NUMERIC_COLUMNS) are left as
        the numbers they are, a negative amount included, so the bureau still
        reads them as numbers; a plain telephone number (digits and separators
        after the "+") holds no formula and is kept as is.
        """
        if column in NUMERIC_COLUMNS or not isinstance(value, str):
            return value
        if value.startswith(FORMULA_PREFIXES) and not PHONE_NUMBER.fullmatch(value):
            return "'" + value
        return value

    def _csv(self):
        self.ensure_one()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        currency = self.company_id.currency_id
        for line in self.line_ids.sorted(lambda line: line.partner_id.id):
            partner = line.partner_id
            values = [
                self.period.strftime("%Y-%m"),
                "CORRECTION" if self.is_correction else "NEW",
                partner.ref or partner.id,
                partner.name,
                partner.vat or "",
                partner.phone or "",
                partner.email or "",
                line.dpd,
                f"{line.amount_overdue:.{currency.decimal_places}f}",
                currency.name,
                line.oldest_due_date or "",
                line.bureau_status or "",
            ]
            writer.writerow(
                [
                    self._csv_cell(column, value)
                    for column, value in zip(CSV_COLUMNS, values, strict=True)
                ]
            )
        return out.getvalue()
