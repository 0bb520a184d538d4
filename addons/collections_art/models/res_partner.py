from datetime import timedelta

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Per company (jsonb by company, read for the current one): a customer is an
    # NPA for the company whose notice went unanswered, not for every company.
    is_npa = fields.Boolean(
        string="Non-Performing Asset",
        company_dependent=True,
        readonly=True,
        tracking=True,
        help="A legal notice went unanswered: no payment and no contact within its window.",
    )
    npa_date = fields.Date(string="NPA Since", company_dependent=True, readonly=True)

    def _collection_plan_field_visit(self, cases):
        """Issue 12 (lending flow: "physical visit to recorded addresses"): with
        Asset Recovery, the field visit of an unreachable customer is a real
        visit of its officers, planned for the next day on the customer's open
        and validated Asset Recovery case (a visit belongs to one; an unvalidated
        case is validated first, as the officers' own planning requires), for
        the case's officer. None is planned while one is pending on that case.
        A customer without such a case keeps the agent's field-visit activity."""
        art_cases = self._collection_visit_cases(cases)
        now = fields.Datetime.now()
        planned = self.env["helpdesk.ticket"]
        vals_list = []
        for case in cases:
            art_case = art_cases.get((case.commercial_partner_id.id, case.company_id.id))
            if not art_case:
                continue
            planned |= case
            if art_case.art_visit_ids.filtered(lambda visit: visit.state == "planned"):
                continue  # one pending already
            vals_list.append(
                {
                    "ticket_id": art_case.id,
                    "officer_id": art_case.user_id.id,
                    "scheduled_date": now + timedelta(hours=24),
                    "note": self.env._(
                        "Customer unreachable on every channel (case %s): visit the "
                        "address on file and ask the neighbours.",
                        case.number,
                    ),
                }
            )
            case._message_log(
                body=self.env._(
                    "Customer unreachable: field visit planned on Asset Recovery case %s.",
                    art_case.number,
                )
            )
        if vals_list:
            self.env["collection.art.visit"].sudo().create(vals_list)
        return super()._collection_plan_field_visit(cases - planned)

    def _collection_visit_cases(self, cases):
        """{(customer id, company id): Asset Recovery case} where a field visit of
        the customers of ``cases`` is planned: their open, validated Asset Recovery
        case with an officer (the oldest one), in one query."""
        found = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("is_art_case", "=", True),
                    ("commercial_partner_id", "in", cases.commercial_partner_id.ids),
                    ("company_id", "in", cases.company_id.ids),
                    ("stage_id.closed", "=", False),
                    ("art_validated_date", "!=", False),
                    ("user_id", "!=", False),
                ],
                order="id desc",
            )
        )
        return {(case.commercial_partner_id.id, case.company_id.id): case for case in found}
