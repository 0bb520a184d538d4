from odoo import fields, models


class CollectionTicketServiceIssue(models.AbstractModel):
    """Issue 12 (solar policy), "Service issue first": a collection case whose
    customer has an open service ticket (of a category its policy names) gets the
    service-issue messages instead of payment reminders, and the agent sees why.
    The run's rule is ``engine/reminders.py: service_issue_holds_step``; this
    mixin says which cases have an open service issue."""

    _name = "collection.ticket.service.issue"
    _description = "Collection Case Service Issue"

    collection_service_issue_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Service Issue Open",
        compute="_compute_collection_service_issue_id",
        help="The customer's open ticket of one of the policy's service issue "
        "categories: while it is open, the case's payment reminders are held and the "
        "service-issue messages go instead (the customer is still billed).",
    )

    def _compute_collection_service_issue_id(self):
        issues = self._collection_service_issues()
        for ticket in self:
            ticket.collection_service_issue_id = issues.get(ticket.id, False)

    def _collection_service_issues(self):
        """Rule (solar policy, Service issues): "If at any point customers have a
        production issue with their PV system, the billing team will open an O&M
        ticket, and this customer will go into the "Service Issue" classification
        to receive appropriate messages (although they still have to pay their
        fees)."

        Returns {case id: service ticket} for the collection cases among these
        whose customer (commercial entity, same company) has an open ticket, not
        itself a collection case, of one of the categories the case's policy names
        (the oldest one when there are several). One query for all the cases; none
        when no policy of theirs names a category.
        """
        cases = self.filtered(
            lambda ticket: (
                ticket.collection_case and ticket.collection_policy_id.service_issue_category_ids
            )
        )
        if not cases:
            return {}
        all_categories = cases.collection_policy_id.service_issue_category_ids
        service_tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("category_id", "in", all_categories.ids),
                    ("commercial_partner_id", "in", cases.commercial_partner_id.ids),
                    ("company_id", "in", cases.company_id.ids),
                    ("stage_id.closed", "=", False),
                    ("collection_case", "=", False),
                ],
                order="create_date, id",
            )
        )
        by_customer = service_tickets.grouped(
            lambda ticket: (ticket.company_id.id, ticket.commercial_partner_id.id)
        )
        issues = {}
        for case in cases:
            categories = case.collection_policy_id.service_issue_category_ids
            candidates = by_customer.get(
                (case.company_id.id, case.commercial_partner_id.id), service_tickets.browse()
            ).filtered(lambda ticket, categories=categories: ticket.category_id in categories)
            if candidates:
                issues[case.id] = candidates[0].with_env(self.env)
        return issues
