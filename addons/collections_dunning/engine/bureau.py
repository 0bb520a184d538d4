"""Issue 12: the days past due each customer is reported at to the credit bureau."""


def bureau_days(tickets, closed):
    """Rule (lending flow: "Mark the account as delinquent in the Credit Bureau
    Reporting"): a customer is reported at the largest days past due of its open
    cases among ``tickets``; a case in the legal stage counts as 90+ delinquent
    (the company's ``collection_delinquent_days``) whatever its days; a customer
    whose cases are all among ``closed`` counts 0 (current).

    Returns {company: {commercial partner id: days past due}}.
    """
    return customer_days(closed | tickets)


def customer_days(cases):
    """The rule above over ``cases``: cases, or rows carrying their field names
    (``quiet.CaseRow``). Returns {company: {commercial partner id: days}}."""
    dpd = {}
    for ticket in cases:
        key = (ticket.company_id, ticket.commercial_partner_id.id)
        open_dpd = 0 if ticket.stage_id.closed else ticket.collection_dpd
        if open_dpd and ticket.team_id.is_legal_team:
            open_dpd = max(open_dpd, ticket.company_id.collection_delinquent_days)
        dpd[key] = max(dpd.get(key, 0), open_dpd)
    by_company = {}
    for (company, partner_id), days in dpd.items():
        by_company.setdefault(company, {})[partner_id] = days
    return by_company
