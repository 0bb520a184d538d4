"""Issue 12 (solar policy): which cases ask for a recovery decision."""


def due_for_evaluation(tickets, today):
    """The open cases not asked yet, of a policy with ``recovery_evaluation`` (the
    solar policy's rule, not every policy's), that reach their company's
    thresholds: a downpayment invoice ``collection_recovery_downpayment_days``
    past due, or any invoice ``collection_recovery_days`` past due."""
    due = tickets.browse()
    for ticket in tickets:
        if ticket.collection_recovery_state or ticket.stage_id.closed:
            continue
        if not ticket.collection_policy_id.recovery_evaluation:
            continue
        company = ticket.company_id
        if ticket.collection_dpd < min(
            company.collection_recovery_downpayment_days, company.collection_recovery_days
        ):
            continue  # no invoice of the case is that late: its invoices are not read
        downpayments = ticket.overdue_invoice_ids.filtered(
            lambda invoice: invoice.is_downpayment and invoice.invoice_date_due
        )
        downpayment_dpd = max(
            ((today - invoice.invoice_date_due).days for invoice in downpayments), default=0
        )
        if (
            downpayment_dpd >= company.collection_recovery_downpayment_days
            or ticket.collection_dpd >= company.collection_recovery_days
        ):
            due |= ticket
    return due
