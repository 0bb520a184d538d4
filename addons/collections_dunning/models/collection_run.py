from odoo import api, models

from .. import bulk_sql
from ..engine import bureau, cases, exceptions, penal, recovery, reminders, routing, settlements


class CollectionRun(models.AbstractModel):
    """The daily run of the collection policies, as named, set-based steps.

    The run is the list of steps ``_run_steps()``; one of them works the
    customers in batches, each batch going through the steps ``_batch_steps()``.
    An add-on adds a step by extending one of these lists and writing the step's
    method. A batch step reads what it needs in a few grouped queries and writes
    in a few grouped statements (the work itself lives in ``engine/``), so the
    query count does not grow with the number of invoices or cases in a batch.
    Every step is computed from the current state ("what is overdue now", "which
    reminder step is due and not yet logged"), so a crash or a second run resumes
    without doing anything twice.
    """

    _name = "collection.run"
    _inherit = ["collection.run.batching", "collection.run.quiet"]
    _description = "Collection Daily Run"

    # ------------------------------------------------------------------
    # Entry point and steps
    # ------------------------------------------------------------------

    @api.model
    def _run(self, today):
        """Run the policies for ``today``, with a ``collection.run.log`` record that
        says when the run started and ended, what it did and whom it skipped."""
        log = self.env["collection.run.log"]._start(today)
        try:
            for step in self._run_steps():
                getattr(self, step)(today, log)
        except Exception as error:
            log._mark_failed(error)
            raise
        log._finish()
        return True

    def _run_steps(self):
        """Names of the methods the run calls in order, each with (today, log)."""
        return [
            "_step_evaluate_commitments",
            "_step_expire_exceptions",
            "_step_work_batches",
        ]

    def _batch_steps(self):
        """Names of the methods each batch goes through in order, each with the
        ``RunBatch``; the batch's reminders are sent once they have all run."""
        return [
            "_step_plan_cases",
            "_step_hold_excepted_cases",
            "_step_hold_settlements",
            "_step_refresh_cases",
            "_step_open_cases",
            "_step_move_cases",
            "_step_close_paid_cases",
            "_step_hand_over",
            "_step_route_cases",
            "_step_update_flags",
            "_step_update_bureau_status",
            "_step_ask_recovery_decisions",
            "_step_accrue_penal_charges",
            "_step_log_reminders",
            "_step_record_snapshots",
            "_step_count",
        ]

    def _step_evaluate_commitments(self, today, log):
        """Decide open promises and running payment plans from real payments."""
        self.env["collection.promise"].sudo().search([("state", "=", "open")])._evaluate(today)
        self.env["collection.payment.plan"].sudo().search([("state", "=", "active")])._evaluate(
            today
        )

    def _step_expire_exceptions(self, today, log):
        """Exceptions whose last day has passed expire: collection resumes."""
        self.env["collection.exception"]._expire(today)

    # ------------------------------------------------------------------
    # Batch steps
    # ------------------------------------------------------------------

    def _step_plan_cases(self, batch):
        """Decide, for each customer of the batch, what becomes of its case."""
        batch.plan = cases.plan_cases(self._tickets(), batch.keys, batch.groups, batch.cases)

    def _step_hold_excepted_cases(self, batch):
        """Cases of customers under an approved exception keep their level."""
        held = batch.plan.cases._collection_excepted_cases(batch.today)
        exceptions.hold_moves(batch.plan.moves, held)

    def _step_hold_settlements(self, batch):
        """Cases whose customer is in a settlement leave the recovery path: no
        level move nor hand-over here, no penal accrual below (their reminders
        wait too, see ``_collection_reminders_paused``)."""
        batch.settling = self.env["collection.settlement"]._collection_in_settlement(
            batch.plan.cases
        )
        settlements.hold_settled_cases(batch.plan, batch.settling)

    def _step_refresh_cases(self, batch):
        """Days past due, amounts and overdue invoices of the existing cases."""
        plan = batch.plan
        entering = {case.id for level_cases in plan.moves.values() for case in level_cases}
        cases.refresh_figures(self._tickets(), plan.figures, entering)
        cases.refresh_invoices(self._tickets(), plan.invoices)

    def _step_open_cases(self, batch):
        """Open a case for each customer overdue without one."""
        batch.created = cases.create_cases(self._tickets(), batch.plan.to_create, batch.today)
        batch.entered = batch.created

    def _step_move_cases(self, batch):
        """Move cases into the level of their days past due; put dragged ones back."""
        cases.move_cases(batch.plan.moves, batch.today)
        cases.fix_stages(batch.plan.fixes)
        for level_cases in batch.plan.moves.values():
            batch.entered |= level_cases

    def _step_close_paid_cases(self, batch):
        """Close the cases of customers with nothing overdue any more."""
        batch.closed = batch.plan.closing
        cases.close_paid_cases(batch.closed)
        batch.tickets = (batch.plan.cases - batch.closed) | batch.created

    def _step_hand_over(self, batch):
        """Rule (Collection SOP, Team Responsibilities): "Escalating cases that go
        beyond 60 days to the ART team." A case entering a level that names a team
        to hand over to is handed to it, in the same run, once per entry."""
        handed = batch.entered.filtered("collection_level_id.hand_over_team_id")
        if handed:
            handed._collection_hand_over()

    def _step_route_cases(self, batch):
        """Give each open case to the team its first matching ownership rule names."""
        routing.route_cases(batch.tickets)

    def _step_update_flags(self, batch):
        """Refresh the customers' collection flags, per company."""
        for company, company_tickets in batch.tickets.grouped("company_id").items():
            company_tickets.commercial_partner_id._collection_update_flags(company)

    def _step_update_bureau_status(self, batch):
        """Rule (lending flow: "Mark the account as delinquent in the Credit Bureau
        Reporting"): each customer's bureau status follows its days past due (the
        largest of its open cases); a case in the legal stage makes it 90+
        delinquent; a customer whose cases closed is current."""
        Partner = self.env["res.partner"].sudo()
        for company, partner_dpd in bureau.bureau_days(batch.tickets, batch.closed).items():
            Partner._collection_update_bureau_status(partner_dpd, company, batch.today)

    def _step_ask_recovery_decisions(self, batch):
        """Rule (solar policy, evaluation / clawback): "If we reach 30 DPD for any
        downpayment payment" or "120 DPD for any payment, follow this process to
        recover the project": such a case asks a manager for a recovery decision,
        once."""
        recovery.due_for_evaluation(batch.tickets, batch.today)._collection_ask_recovery_decisions(
            batch.today
        )

    def _step_accrue_penal_charges(self, batch):
        """Add each day's penal charge since the last run, in one UPDATE (none for
        the days a customer spends in a settlement)."""
        settling = batch.settling or batch.tickets.browse()
        values = penal.accrual_values(batch.tickets, settling, batch.today)
        bulk_sql.update_rows(self.env["helpdesk.ticket"], values)

    def _step_log_reminders(self, batch):
        """Log every reminder step now due; keep the reminders logged now and all
        those of the cases still queued, which are sent once the batch is saved."""
        Reminder = self.env["collection.reminder"].sudo()
        batch.logged = batch.queued = Reminder
        tickets = batch.tickets.filtered(lambda ticket: not ticket.stage_id.closed)
        if not tickets:
            return
        done = {
            (reminder.ticket_id.id, reminder.step_id.id)
            for reminder in Reminder.search_fetch(
                [("ticket_id", "in", tickets.ids)], ["ticket_id", "step_id"]
            )
        }
        paused = tickets._collection_reminders_paused(batch.today)
        vals_list, next_dates = reminders.plan_reminders(tickets, done, paused, batch.today)
        batch.logged = Reminder.create(vals_list)
        bulk_sql.update_rows(
            self.env["helpdesk.ticket"],
            {ticket_id: {"next_reminder_date": date} for ticket_id, date in next_dates.items()},
            none_keeps=False,
        )
        batch.queued = Reminder.search([("ticket_id", "in", tickets.ids), ("state", "=", "queued")])

    def _step_record_snapshots(self, batch):
        """The day's figures of every case of the batch, closed ones included."""
        self.env["collection.snapshot"]._record(batch.tickets | batch.closed, batch.today)

    def _step_count(self, batch):
        """Add the batch's counts to the run log."""
        batch.log._add(
            cases_opened=len(batch.created),
            cases_moved=sum(len(level_cases) for level_cases in batch.plan.moves.values()),
            cases_closed=len(batch.closed),
            customers_waiting=len(batch.plan.waiting),
            reminders_queued=len(batch.logged.filtered(lambda r: r.state == "queued")),
            **batch.counts,
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _tickets(self):
        """Tickets as the run writes them: without tracking, followers or notes of
        their own (the run logs its own notes, in batches)."""
        return (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
            )
        )
