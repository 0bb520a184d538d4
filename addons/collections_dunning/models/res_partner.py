from datetime import timedelta

import pytz

from odoo import fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _name = "res.partner"
    # The flags' seed rules live in collection.partner.flags.
    _inherit = [
        "res.partner",
        "collection.partner.flags",
        "collection.partner.bureau",
        "collection.partner.welcome.call",
        # last: it guards the fields the mixins above name
        "collection.partner.owned.fields",
    ]

    collection_policy_id = fields.Many2one(
        comodel_name="collection.policy",
        domain="[('company_id', 'in', [current_company_id, False])]",
        help="Policy for this customer's overdue invoices; the company's default "
        "policy when empty. Set it on the company, not on its contacts.",
    )

    def _collection_overdue_amounts(self, company):
        """Overdue residual per commercial partner, in the company's currency.

        Set-based on purpose: the accounting already knows what is left to pay on
        each invoice (``amount_residual`` nets payments and credit notes), so one
        grouped query answers for any number of partners.
        """
        if not self:
            return {}
        # sudo: support agents need the figure without reading invoices.
        rows = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                domain=[
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                    *self.env["account.move"]._collection_overdue_domain(),
                ],
                groupby=["commercial_partner_id"],
                aggregates=["amount_residual_signed:sum"],
            )
        )
        return {partner.id: amount for partner, amount in rows}

    # Per company: a customer unreachable for one company's agents may well
    # answer another's. Stored as jsonb by company, read for the current one.
    collection_unreachable = fields.Boolean(
        string="Unreachable",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="No answer to the configured number of WhatsApp messages, emails and calls "
        "(and co-subscriber attempts) within the window.",
    )
    collection_uncooperative = fields.Boolean(
        string="Uncooperative",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="Explicitly refused to pay, broke the configured number of promises, or "
        "claimed a payment that was verified not to exist.",
    )
    collection_no_call = fields.Boolean(string="No Calls")
    collection_no_sms = fields.Boolean(string="No SMS")
    collection_no_email = fields.Boolean(string="No Collection Emails")
    collection_no_whatsapp = fields.Boolean(string="No WhatsApp")
    collection_no_ivr = fields.Boolean(string="No IVR Calls")
    collection_reference_ids = fields.One2many(
        comodel_name="collection.reference", inverse_name="partner_id", string="References"
    )
    # Record rules reach invoices, payments and references through the cases.
    collection_case_ids = fields.One2many(
        comodel_name="helpdesk.ticket",
        inverse_name="commercial_partner_id",
        string="Collection Cases",
        domain=[("is_collection_ticket", "=", True)],
    )

    def _collection_opted_out(self, channel):
        self.ensure_one()
        field = {"call": "collection_no_call", "visit": None}.get(
            channel, f"collection_no_{channel}"
        )
        return bool(field and field in self._fields and self.commercial_partner_id[field])

    def _collection_local_hour(self, when, company=None):
        """Hour of ``when`` (UTC) in the customer's time zone, as a float."""
        self.ensure_one()
        tz_name = self.tz or (company or self.env.company).partner_id.tz or "UTC"
        local = pytz.utc.localize(when).astimezone(pytz.timezone(tz_name))
        return local.hour + local.minute / 60.0, tz_name

    def _collection_contact_blocked(self, channel, when, company, ignore=None, attempts=None):
        """Why the contact rules of ``company`` (the case's) forbid reaching this
        customer on ``channel`` at ``when``, or False. Visits are not bound by them."""
        self.ensure_one()
        if channel in ("visit", "activity"):
            return False
        partner = self.commercial_partner_id
        if partner._collection_opted_out(channel):
            return self.env._(
                "%(partner)s opted out of %(channel)s", partner=partner.name, channel=channel
            )
        hour, tz_name = self._collection_local_hour(when, company)
        start, end = company.collection_contact_hour_from, company.collection_contact_hour_to
        if not start <= hour < end:
            return self.env._(
                "outside contact hours (%(start)s-%(end)s, %(tz)s)",
                start=_hour_label(start),
                end=_hour_label(end),
                tz=tz_name,
            )
        if attempts is None:
            since = when - timedelta(days=company.collection_attempt_window)
            attempts = self.env["collection.interaction"]._attempts_since(
                partner, since, company=company
            )
            if ignore:
                attempts[(partner.id, channel)] = attempts.get((partner.id, channel), 0) - len(
                    ignore
                )
        if attempts.get((partner.id, channel), 0) >= company.collection_attempt_cap:
            return self.env._(
                "already %(count)s %(channel)s attempts in %(days)s days (cap %(cap)s)",
                count=attempts[(partner.id, channel)],
                channel=channel,
                days=company.collection_attempt_window,
                cap=company.collection_attempt_cap,
            )
        return False

    def _collection_paid_amounts(self, periods):
        """Payments on the customers' invoices per period,
        {key: (partner id, from, to, company id)}.

        Read from accounting reconciliation (credit notes excluded), in one query;
        only invoices of the period's company count, so a payment to another
        company never keeps a promise or a plan.
        """
        if not periods:
            return {}
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s::date, %s::date, %s::int)",
                key,
                partner_id,
                date_from,
                date_to,
                company_id,
            )
            for key, (partner_id, date_from, date_to, company_id) in periods.items()
        )
        partner_ids = sorted({partner_id for partner_id, *_rest in periods.values()})
        self.env.flush_all()
        # The customers' posted invoice lines first (by the partner index), then
        # their reconciliations: a plan that holds however stale the table
        # statistics are (right after a bulk import, a join led by the invoices'
        # company took seconds where this takes milliseconds).
        self.env.cr.execute(
            SQL(
                """
                WITH inv_line AS MATERIALIZED (
                    SELECT line.id, line.partner_id, inv.company_id
                      FROM account_move_line line
                      JOIN account_move inv ON inv.id = line.move_id
                     WHERE line.partner_id = ANY(%s)
                       AND inv.move_type = 'out_invoice' AND inv.state = 'posted'
                )
                SELECT v.key, SUM(apr.amount)
                  FROM (VALUES %s) AS v(key, partner_id, date_from, date_to, company_id)
                  JOIN inv_line ON inv_line.partner_id = v.partner_id
                   AND inv_line.company_id = v.company_id
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = inv_line.id
                  JOIN account_move_line pay_line ON pay_line.id = apr.credit_move_id
                  JOIN account_move pay ON pay.id = pay_line.move_id
                   AND pay.move_type != 'out_refund'
                 WHERE apr.max_date BETWEEN v.date_from AND v.date_to
                 GROUP BY v.key
                """,
                partner_ids,
                values,
            )
        )
        return dict(self.env.cr.fetchall())


def _hour_label(value):
    return f"{int(value):02d}:{round(value % 1 * 60):02d}"
