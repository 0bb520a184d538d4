"""What is overdue and what is open, read in a few grouped queries."""

from odoo.tools import SQL


def device_key(company_id, partner_id, serial):
    """Rule (Collection SOP, Purifier ID): "When transferring a ticket to the
    collection team, updating the Purifier ID is mandatory." A customer has one
    case per purifier, so what is overdue is grouped by company, customer and
    device. A serial typed with blanks around it is the same device (tickets and
    invoices are stored stripped; older rows may not be)."""
    return (company_id, partner_id, (serial or "").strip() or False)


def overdue_groups(env, today, partner_ids=None):
    """Overdue customer invoices, one group per customer (and device), in one query.

    The residual comes from accounting, so partial payments, credit notes and
    reconciled payments count exactly as Odoo accounts for them. With
    ``partner_ids`` (commercial partners), only those customers' groups are read,
    as a batch run apart from the others (a queue job) needs.
    """
    Move = env["account.move"]
    domain = Move._collection_overdue_domain(today)
    if partner_ids is not None:
        domain = [*domain, ("commercial_partner_id", "in", list(partner_ids))]
    rows = Move.sudo()._read_group(
        domain=domain,
        groupby=["company_id", "commercial_partner_id", "purifier_id"],
        aggregates=[
            "invoice_date_due:min",
            "amount_residual_signed:sum",
            "id:array_agg",
            "is_downpayment:bool_or",
        ],
    )
    groups = {}
    for company, partner, raw_purifier, oldest_due, amount, invoice_ids, downpayment in rows:
        key = device_key(company.id, partner.id, raw_purifier)
        group = groups.get(key)
        if group:
            group["oldest_due"] = min(group["oldest_due"], oldest_due)
            group["dpd"] = (today - group["oldest_due"]).days
            group["amount"] += amount
            group["invoice_ids"] = sorted(group["invoice_ids"] + list(invoice_ids))
            group["downpayment"] = group["downpayment"] or bool(downpayment)
            continue
        groups[key] = {
            "company": company,
            "partner": partner,
            "purifier": key[2],
            "oldest_due": oldest_due,
            "dpd": (today - oldest_due).days,
            "amount": amount,
            "invoice_ids": list(invoice_ids),
            "downpayment": bool(downpayment),  # a downpayment invoice is overdue
        }
    return groups


def open_cases(Ticket, partner_ids=None):
    """The open collection cases, by the key of their customer and device; with
    ``partner_ids``, only the cases of those customers.

    The key's three columns come from the search's own query (as the ORM's
    search does, with its access rules and order): read through the records,
    they cost more than the search for tens of thousands of cases (issue 13).
    """
    domain = [("collection_case", "=", True), ("stage_id.closed", "=", False)]
    if partner_ids is not None:
        domain.append(("partner_id", "in", list(partner_ids)))
    Ticket.env.flush_all()
    query = Ticket._search(domain, order=Ticket._order)
    columns = ("id", "company_id", "partner_id", "purifier_id")
    Ticket.env.cr.execute(query.select(*(SQL.identifier(query.table, name) for name in columns)))
    rows = Ticket.env.cr.fetchall()
    tickets = Ticket.browse([row[0] for row in rows])
    return {
        (company_id or False, partner_id or False, purifier or False): ticket
        for ticket, (_id, company_id, partner_id, purifier) in zip(tickets, rows, strict=True)
    }


def policies(env, partners):
    """The company default policies and the partners' own, in two queries (the
    partners' policy column only: a run may look at tens of thousands)."""
    defaults = {
        policy.company_id.id: policy
        for policy in env["collection.policy"].sudo().search([("is_default", "=", True)])
    }
    partners = partners.sudo()
    partners.fetch(["collection_policy_id"])
    return defaults, {partner.id: partner.collection_policy_id for partner in partners}


def policy_for(key, defaults, own):
    """Rule: a customer follows its own policy, else its company's default (a
    policy of another company does not apply to the customer's debts here)."""
    company_id, partner_id = key[0], key[1]
    policy = own.get(partner_id)
    if not policy or policy.company_id.id != company_id:
        policy = defaults.get(company_id)
    return policy
