import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import Command, api, models
from odoo.tools import SQL, format_amount, split_every

_logger = logging.getLogger(__name__)

BATCH_SIZE = 500


class CollectionRun(models.AbstractModel):
    """The daily run of the collection policies, as set-based steps.

    For each batch of customers it reads what it needs in a few grouped queries,
    and writes in a few grouped statements, so its query count does not grow
    with the number of invoices or cases in a batch. Every step is computed from
    the current state ("what is overdue now", "which reminder step is due and not
    yet logged"), so a crash or a second run resumes without doing anything twice.
    """

    _name = "collection.run"
    _description = "Collection Daily Run"

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------

    @api.model
    def _run(self, today):
        """Run the policies for ``today``, with a ``collection.run.log`` record that
        says when the run started and ended, what it did and whom it skipped."""
        log = self.env["collection.run.log"]._start(today)
        try:
            self._run_logged(today, log)
        except Exception as error:
            log._mark_failed(error)
            raise
        log._finish()
        return True

    def _run_logged(self, today, log):
        groups = self._overdue_groups(today)
        cases = self._open_cases()
        keys = sorted(set(groups) | set(cases), key=lambda key: (key[0], key[1], key[2] or ""))
        _logger.info("Collection run of %s: %s customers to look at", today, len(keys))
        log._add(customer_count=len(keys))
        if self._in_cron():
            self.env["ir.cron"]._commit_progress(remaining=len(keys))
        self._evaluate_commitments(today)
        for batch in split_every(BATCH_SIZE, keys):
            queued = self._run_batch(batch, groups, cases, today, log)
            self._send_reminders(queued, log)
            if self._checkpoint(len(batch)) <= 0:
                break

    def _run_batch(self, batch, groups, cases, today, log):
        """One customer's bad data never stops the run for the others.

        The batch runs in a savepoint; if it fails, its customers run again one
        by one, each in its own savepoint, and those that still fail are skipped
        with the reason on the run log. Database conflicts (a lock, a concurrent
        update) are not a customer's fault: they stop the run, which the cron
        retries from where it committed.
        """
        try:
            with self.env.cr.savepoint():
                return self._process_batch(batch, groups, cases, today, log)
        except psycopg2.OperationalError:
            raise
        except Exception:
            _logger.warning(
                "Collection run of %s: a batch failed, retrying its customers one by one",
                today,
                exc_info=True,
            )
        queued = self.env["collection.reminder"].sudo()
        for key in batch:
            try:
                with self.env.cr.savepoint():
                    queued |= self._process_batch([key], groups, cases, today, log)
            except psycopg2.OperationalError:
                raise
            except Exception as error:  # noqa: BLE001 - skipped with its reason
                company_id, partner_id = key[0], key[1]
                log._record_error(
                    self.env["res.partner"].browse(partner_id),
                    self.env["res.company"].browse(company_id),
                    error,
                )
        return queued

    def _process_batch(self, batch, groups, cases, today, log):
        """Every step of the run for one batch of customers; returns the
        reminders to send once the batch is saved."""
        tickets, closed, counts = self._sync_batch(batch, groups, cases, today)
        self._apply_routing(tickets)
        for company, company_tickets in tickets.grouped("company_id").items():
            company_tickets.commercial_partner_id._collection_update_flags(company)
        self._accrue_penal_charges(tickets, today)
        logged, queued = self._apply_reminders(tickets, today)
        self.env["collection.snapshot"]._record(tickets | closed, today)
        log._add(**counts, reminders_queued=len(logged.filtered(lambda r: r.state == "queued")))
        return queued

    def _send_reminders(self, queued, log):
        """Send a saved batch's queued reminders and count what became of them."""
        if not queued:
            return
        queued._send_within_rules()
        states = [reminder.state for reminder in queued]
        log._add(reminders_sent=states.count("sent"), reminders_failed=states.count("failed"))

    def _apply_routing(self, tickets):
        """Give each case to the team its first matching ownership rule names."""
        rules = self.env["collection.routing.rule"].sudo().search([])
        if not rules:
            return
        moves = defaultdict(tickets.browse)
        for ticket in tickets.filtered(lambda t: not t.stage_id.closed):
            rule = rules._target(ticket)
            if rule and ticket.team_id != rule.team_id:
                moves[(rule, ticket.stage_id)] |= ticket
        for (rule, stage), moved in moves.items():
            previous = {ticket.id: ticket.team_id.display_name for ticket in moved}
            # keep the bucket stage: the case changes owner, not days past due
            moved.write({"team_id": rule.team_id.id, "stage_id": stage.id})
            moved._message_log_batch(
                bodies={
                    ticket.id: self.env._(
                        "Owner changed from %(old)s to %(new)s by the rule %(rule)s.",
                        old=previous[ticket.id] or "-",
                        new=rule.team_id.display_name,
                        rule=rule.name,
                    )
                    for ticket in moved
                }
            )

    def _accrue_penal_charges(self, tickets, today):
        """Add each day's penal charge on the overdue residual since the last run
        (days past the grace period only, up to the cap), in one UPDATE."""
        values = {}
        for ticket in tickets.filtered(lambda t: t.collection_policy_id.penal_rate > 0):
            policy = ticket.collection_policy_id
            first_day = ticket.collection_due_date + timedelta(days=policy.penal_grace_days + 1)
            start = max(
                first_day,
                (ticket.penal_accrued_date or first_day - timedelta(days=1)) + timedelta(days=1),
            )
            days = (today - start).days + 1
            if days <= 0:
                continue
            accrued = (
                ticket.penal_accrued + ticket.amount_overdue * policy._penal_daily_factor() * days
            )
            if policy.penal_cap_percent:
                accrued = min(accrued, ticket.amount_overdue * policy.penal_cap_percent / 100.0)
            values[ticket.id] = {"penal_accrued": accrued, "penal_accrued_date": today}
        self._sql_update("helpdesk.ticket", values)

    def _evaluate_commitments(self, today):
        """Decide open promises and running payment plans from real payments."""
        self.env["collection.promise"].sudo().search([("state", "=", "open")])._evaluate(today)
        self.env["collection.payment.plan"].sudo().search([("state", "=", "active")])._evaluate(
            today
        )

    @api.model
    def _sql_update(self, model_name, values):
        """Per-record values {id: {field: value}} of ``model_name`` in one UPDATE;
        a None value keeps the stored one."""
        if not values:
            return
        Model = self.env[model_name]
        used = sorted({field for vals in values.values() for field in vals})
        casts = {field: SQL(Model._fields[field].column_type[1]) for field in used}
        rows = SQL(", ").join(
            SQL(
                "(%s, %s)",
                record_id,
                SQL(", ").join(SQL("%s::%s", vals.get(field), casts[field]) for field in used),
            )
            for record_id, vals in values.items()
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE %s AS t SET %s FROM (VALUES %s) AS v(id, %s) WHERE t.id = v.id",
                SQL.identifier(Model._table),
                SQL(", ").join(
                    SQL(
                        "%s = COALESCE(v.%s, t.%s)",
                        SQL.identifier(field),
                        SQL.identifier(field),
                        SQL.identifier(field),
                    )
                    for field in used
                ),
                rows,
                SQL(", ").join(SQL.identifier(field) for field in used),
            )
        )
        # the whole model: fields computed from these ones are stale too
        Model.invalidate_model()

    def _in_cron(self):
        return bool(self.env.context.get("ir_cron_progress_id"))

    def _checkpoint(self, processed=0):
        """Commit progress in the cron (so a crash resumes here); else do nothing."""
        if self._in_cron():
            return self.env["ir.cron"]._commit_progress(processed)
        return float("inf")

    def _tickets(self):
        return (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                collection_run=True,
            )
        )

    # ------------------------------------------------------------------
    # What is overdue, what is open
    # ------------------------------------------------------------------

    @api.model
    def _overdue_groups(self, today):
        """Overdue customer invoices, one group per customer (and device), in one query.

        The residual comes from accounting, so partial payments, credit notes and
        reconciled payments count exactly as Odoo accounts for them.
        """
        rows = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                domain=self.env["account.move"]._collection_overdue_domain(today),
                groupby=["company_id", "commercial_partner_id", "purifier_id"],
                aggregates=["invoice_date_due:min", "amount_residual_signed:sum", "id:array_agg"],
            )
        )
        groups = {}
        for company, partner, raw_purifier, oldest_due, amount, invoice_ids in rows:
            # a serial typed with blanks around it is the same device (tickets and
            # invoices are stored stripped; older rows may not be)
            purifier = (raw_purifier or "").strip() or False
            key = (company.id, partner.id, purifier)
            group = groups.get(key)
            if group:
                group["oldest_due"] = min(group["oldest_due"], oldest_due)
                group["dpd"] = (today - group["oldest_due"]).days
                group["amount"] += amount
                group["invoice_ids"] = sorted(group["invoice_ids"] + list(invoice_ids))
                continue
            groups[key] = {
                "company": company,
                "partner": partner,
                "purifier": purifier,
                "oldest_due": oldest_due,
                "dpd": (today - oldest_due).days,
                "amount": amount,
                "invoice_ids": list(invoice_ids),
            }
        return groups

    @api.model
    def _open_cases(self):
        tickets = self._tickets().search(
            [("collection_case", "=", True), ("stage_id.closed", "=", False)]
        )
        return {
            (ticket.company_id.id, ticket.partner_id.id, ticket.purifier_id or False): ticket
            for ticket in tickets
        }

    @api.model
    def _policies(self, partners):
        """Policy per (company, partner): the partner's own, else the company default."""
        defaults = {
            policy.company_id.id: policy
            for policy in self.env["collection.policy"].sudo().search([("is_default", "=", True)])
        }
        return defaults, {partner.id: partner.collection_policy_id for partner in partners.sudo()}

    # ------------------------------------------------------------------
    # Cases
    # ------------------------------------------------------------------

    def _sync_batch(self, batch, groups, cases, today):
        """Open, refresh, move and close the cases of one batch of customers."""
        Ticket = self._tickets()
        partners = self.env["res.partner"].browse({key[1] for key in batch})
        defaults, own = self._policies(partners)
        to_create = []
        figures = {}
        invoices = {}
        moves = defaultdict(Ticket.browse)
        fixes = defaultdict(Ticket.browse)
        closing = Ticket.browse()
        batch_cases = Ticket.browse([cases[key].id for key in batch if key in cases])
        for key in batch:
            group, case = groups.get(key), cases.get(key)
            if not group:
                closing |= case
                continue
            policy = own.get(key[1])
            if not policy or policy.company_id.id != key[0]:
                policy = defaults.get(key[0])
            level = policy._level_for_dpd(group["dpd"]) if policy else None
            if not case:
                if level:
                    to_create.append((group, level))
                continue
            figures[case.id] = group
            if set(case.overdue_invoice_ids.ids) != set(group["invoice_ids"]):
                invoices[case.id] = group["invoice_ids"]
            if level and case.collection_level_id != level:
                moves[level] |= case
            elif level and level.stage_id and case.stage_id != level.stage_id:
                fixes[level] |= case
        entering = {case.id for level_cases in moves.values() for case in level_cases}
        self._update_figures(figures, entering)
        self._update_invoices(invoices)
        created = self._create_cases(to_create, today)
        self._move_cases(moves, today)
        self._fix_stages(fixes)
        self._close_cases(closing)
        escalate = created.filtered("collection_level_id.escalate_to_art")
        for level, level_cases in moves.items():
            if level.escalate_to_art:
                escalate |= level_cases
        if escalate:
            escalate._collection_escalate_to_art()
        counts = {
            "cases_opened": len(created),
            "cases_moved": sum(len(level_cases) for level_cases in moves.values()),
            "cases_closed": len(closing),
        }
        return (batch_cases - closing) | created, closing, counts

    def _reserve_numbers(self, count):
        """Ticket numbers for ``count`` new cases, from helpdesk's sequence, in one query."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "=", "helpdesk.ticket.sequence")], limit=1)
        )
        if not sequence or sequence.implementation != "standard" or not count:
            return [
                self.env["ir.sequence"].sudo().next_by_code("helpdesk.ticket.sequence") or "/"
                for _ in range(count)
            ]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        # Fetch before anything else runs a query on this cursor.
        reserved = [number for (number,) in self.env.cr.fetchall()]
        prefix, suffix = sequence._get_prefix_suffix()
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for number in reserved]

    def _create_cases(self, to_create, today):
        Ticket = self._tickets()
        if not to_create:
            return Ticket
        numbers = self._reserve_numbers(len(to_create))
        by_team = defaultdict(list)
        for group, level in to_create:
            by_team[level._get_team()].append((group, level))
        vals_list = []
        for team, items in by_team.items():
            agents = team._collection_assign_cases(
                [(group["partner"], level) for group, level in items]
            )
            for (group, level), agent in zip(items, agents, strict=True):
                partner = group["partner"]
                stage = level.stage_id or team._get_applicable_stages()[:1]
                device = f" ({group['purifier']})" if group["purifier"] else ""
                vals_list.append(
                    {
                        "number": numbers.pop(),
                        "name": self.env._("Overdue: %s", partner.name) + device,
                        "description": Markup("<p>%s</p>")
                        % self.env._("Opened by the daily collection run."),
                        "partner_id": partner.id,
                        # what helpdesk's own form fills in for a ticket's customer
                        "partner_name": partner.name,
                        "partner_email": partner.email,
                        "company_id": group["company"].id,
                        "team_id": team.id,
                        "stage_id": stage.id,
                        "user_id": agent.id,
                        "purifier_id": group["purifier"],
                        "collection_case": True,
                        "collection_policy_id": level.policy_id.id,
                        "collection_level_id": level.id,
                        "collection_level_date": today,
                        "collection_level_amount": group["amount"],
                        "collection_dpd": group["dpd"],
                        "collection_due_date": group["oldest_due"],
                        "amount_overdue": group["amount"],
                        "overdue_invoice_ids": [Command.set(group["invoice_ids"])],
                    }
                )
        created = Ticket.create(vals_list)
        created._message_log_batch(
            bodies={
                ticket.id: self.env._(
                    "Case opened in %(level)s: %(dpd)s days past due, %(amount)s overdue.",
                    level=ticket.collection_level_id.display_name,
                    dpd=ticket.collection_dpd,
                    amount=format_amount(
                        self.env, ticket.amount_overdue, ticket.company_currency_id
                    ),
                )
                for ticket in created
            }
        )
        return created

    def _move_cases(self, moves, today):
        for level, tickets in moves.items():
            team = level._get_team()
            vals = {
                "collection_level_id": level.id,
                "collection_policy_id": level.policy_id.id,
                "collection_level_date": today,
            }
            if level.stage_id:
                vals["stage_id"] = level.stage_id.id
            if team and team != tickets.team_id:
                vals["team_id"] = team.id
            tickets.write(vals)
            tickets._message_log_batch(
                bodies={
                    ticket.id: self.env._(
                        "Moved to %(level)s: %(dpd)s days past due.",
                        level=level.display_name,
                        dpd=ticket.collection_dpd,
                    )
                    for ticket in tickets
                }
            )

    def _fix_stages(self, fixes):
        """Stages follow the days past due: undo a drag that contradicts them."""
        for level, tickets in fixes.items():
            wrong = {ticket.id: ticket.stage_id.name for ticket in tickets}
            tickets.write({"stage_id": level.stage_id.id})
            tickets._message_log_batch(
                bodies={
                    ticket.id: self.env._(
                        "Moved back from %(wrong)s to %(stage)s: the case is %(dpd)s days "
                        "past due, which is level %(level)s. The stage of a collection "
                        "case follows its days past due.",
                        wrong=wrong[ticket.id],
                        stage=level.stage_id.name,
                        dpd=ticket.collection_dpd,
                        level=level.code,
                    )
                    for ticket in tickets
                }
            )

    def _close_cases(self, tickets):
        """Nothing overdue any more: the case goes to its policy's Paid stage."""
        if not tickets:
            return
        by_stage = defaultdict(tickets.browse)
        for ticket in tickets:
            stage = (
                ticket.collection_policy_id.paid_stage_id
                or (ticket.team_id._get_applicable_stages().filtered("closed")[:1])
            )
            by_stage[stage] |= ticket
        for stage, stage_tickets in by_stage.items():
            stage_tickets.write(
                {
                    "stage_id": stage.id,
                    "amount_overdue": 0.0,
                    "overdue_invoice_ids": [Command.clear()],
                    "next_reminder_date": False,
                }
            )
        tickets._message_log_batch(
            bodies={
                ticket.id: self.env._("Nothing is overdue any more: case closed as paid.")
                for ticket in tickets
            }
        )

    def _update_figures(self, figures, entering):
        """Days past due and amounts of existing cases, in one UPDATE."""
        if not figures:
            return
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s::date, %s)",
                ticket_id,
                group["dpd"],
                group["amount"],
                group["oldest_due"],
                ticket_id in entering,
            )
            for ticket_id, group in figures.items()
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE helpdesk_ticket AS t
                   SET collection_dpd = v.dpd,
                       amount_overdue = v.amount,
                       collection_due_date = v.due,
                       collection_level_amount = CASE WHEN v.entering THEN v.amount
                                                      ELSE t.collection_level_amount END
                  FROM (VALUES %s) AS v(id, dpd, amount, due, entering)
                 WHERE t.id = v.id
                """,
                values,
            )
        )
        self.env["helpdesk.ticket"].invalidate_model(
            ["collection_dpd", "amount_overdue", "collection_due_date", "collection_level_amount"]
        )

    def _update_invoices(self, invoices):
        """Overdue invoices of existing cases, in two statements."""
        if not invoices:
            return
        field = self.env["helpdesk.ticket"]._fields["overdue_invoice_ids"]
        ticket_ids = list(invoices)
        pairs = [
            (ticket_id, move_id) for ticket_id in ticket_ids for move_id in invoices[ticket_id]
        ]
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                ticket_ids,
            )
        )
        if pairs:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[])",
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    [pair[0] for pair in pairs],
                    [pair[1] for pair in pairs],
                )
            )
        self.env["helpdesk.ticket"].invalidate_model(["overdue_invoice_ids"])

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    def _apply_reminders(self, tickets, today):
        """Log every reminder step now due; return the reminders logged now and
        all those of the cases still queued, which are sent once the batch is
        saved."""
        Reminder = self.env["collection.reminder"].sudo()
        tickets = tickets.filtered(lambda ticket: not ticket.stage_id.closed)
        if not tickets:
            return Reminder, Reminder
        done = {
            (reminder.ticket_id.id, reminder.step_id.id)
            for reminder in Reminder.search_fetch(
                [("ticket_id", "in", tickets.ids)], ["ticket_id", "step_id"]
            )
        }
        paused = tickets._collection_reminders_paused()
        vals_list = []
        next_dates = {}
        for ticket in tickets:
            upcoming = []
            for step in ticket.collection_level_id.step_ids:
                due = step._due_date(ticket.collection_level_date, ticket.collection_due_date)
                if not due or due < ticket.collection_level_date:
                    continue
                if due > today or ticket in paused:
                    upcoming.append(max(due, today))
                    continue
                if (ticket.id, step.id) in done:
                    continue
                vals = {
                    "ticket_id": ticket.id,
                    "step_id": step.id,
                    "channel": step.channel,
                    "due_date": due,
                }
                paid_some = ticket.amount_overdue < ticket.collection_level_amount
                if step.only_if_unpaid and paid_some:
                    vals.update(
                        state="skipped",
                        reason=self.env._(
                            "The customer paid part of the overdue amount since the case "
                            "entered %s.",
                            ticket.collection_level_id.code,
                        ),
                    )
                vals_list.append(vals)
            next_dates[ticket.id] = min(upcoming) if upcoming else None
        logged = Reminder.create(vals_list)
        self._set_next_reminder_dates(next_dates)
        queued = Reminder.search([("ticket_id", "in", tickets.ids), ("state", "=", "queued")])
        return logged, queued

    def _set_next_reminder_dates(self, next_dates):
        if not next_dates:
            return
        values = SQL(", ").join(
            SQL("(%s, %s::date)", ticket_id, next_date)
            for ticket_id, next_date in next_dates.items()
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE helpdesk_ticket AS t SET next_reminder_date = v.next_date
                  FROM (VALUES %s) AS v(id, next_date)
                 WHERE t.id = v.id AND t.next_reminder_date IS DISTINCT FROM v.next_date
                """,
                values,
            )
        )
        self.env["helpdesk.ticket"].invalidate_model(["next_reminder_date"])
