import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

COUNTERS = (
    "customer_count",
    "cases_opened",
    "cases_moved",
    "cases_closed",
    "reminders_queued",
    "reminders_sent",
    "reminders_failed",
    "customers_waiting",
    "customers_quiet",
)


class CollectionRunLog(models.Model):
    """One record per daily run: when it ran, what it did, and which customers
    it had to skip, so a manager sees the run as an auditor would."""

    _name = "collection.run.log"
    _description = "Collection Daily Run Log"
    _order = "started desc, id desc"
    _rec_name = "date"

    date = fields.Date(string="Run Day", required=True, readonly=True, index=True)
    started = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    finished = fields.Datetime(readonly=True)
    state = fields.Selection(
        selection=[("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        readonly=True,
        default="running",
        index=True,
    )
    customer_count = fields.Integer(string="Customers", readonly=True)
    cases_opened = fields.Integer(readonly=True)
    cases_moved = fields.Integer(readonly=True)
    cases_closed = fields.Integer(readonly=True)
    reminders_queued = fields.Integer(readonly=True)
    reminders_sent = fields.Integer(readonly=True)
    reminders_failed = fields.Integer(readonly=True)
    customers_waiting = fields.Integer(
        string="Waiting for Welcome Call",
        readonly=True,
        help="Overdue downpayment customers kept out of collections until their "
        "welcome call or first downpayment (solar policy).",
    )
    customers_quiet = fields.Integer(
        string="Moved On in Bulk",
        readonly=True,
        help="Customers with nothing to decide that day (no case to open, move or "
        "close, no reminder due, no ownership change): their days past due, penal "
        "charges, bureau status, flags and snapshot were moved on in bulk.",
    )
    settings_revision = fields.Integer(
        readonly=True,
        help="Revision of the collection settings (policies, levels, reminder steps, "
        "ownership rules) when the run started; when it differs from the previous "
        "run's, every customer is looked at again.",
    )
    failure = fields.Text(readonly=True, help="Why the whole run stopped, if it did.")
    error_ids = fields.One2many(
        comodel_name="collection.run.error", inverse_name="run_id", string="Skipped Customers"
    )
    error_count = fields.Integer(string="Errors", compute="_compute_error_count")

    @api.depends("error_ids")
    def _compute_error_count(self):
        counts = dict(
            self.env["collection.run.error"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        for log in self:
            log.error_count = counts.get(log, 0)

    @api.model
    def _start(self, today):
        revision = self.env["collection.settings.revision"]._collection_settings_revision()
        return self.sudo().create({"date": today, "settings_revision": revision})

    def _settings_unchanged(self):
        """Whether a run came before this one and saw the same settings revision
        (``collection.settings.revision``): only then may the cases' kept
        reminder dates and levels be trusted to find the quiet customers."""
        self.ensure_one()
        previous = self.sudo().search([("id", "<", self.id)], order="id desc", limit=1)
        return bool(previous) and previous.settings_revision == self.settings_revision

    def _add(self, **counts):
        """Add a batch's counts to the run's, in one UPDATE that adds to the stored
        values (``x = x + n``, not read then written): batches counting at the
        same time, in other transactions (queue jobs), never lose each other's
        counts. A name that is not one of the ``COUNTERS`` is a programming error,
        refused rather than silently lost."""
        self.ensure_one()
        unknown = set(counts) - set(COUNTERS)
        if unknown:
            raise ValueError(f"Not a run log counter: {', '.join(sorted(unknown))}")
        added = {name: counts[name] for name in COUNTERS if counts.get(name)}
        if not added:
            return
        self.flush_recordset(list(added))
        self.env.cr.execute(
            SQL(
                "UPDATE collection_run_log SET %s WHERE id = %s",
                SQL(", ").join(
                    SQL("%s = COALESCE(%s, 0) + %s", SQL.identifier(name), SQL.identifier(name), n)
                    for name, n in added.items()
                ),
                self.id,
            )
        )
        self.invalidate_recordset(list(added), flush=False)

    def _record_error(self, partner, company, error):
        """A customer the run had to skip, with the reason, for a manager to fix."""
        self.ensure_one()
        _logger.warning("Collection run %s skipped customer %s: %s", self.date, partner.id, error)
        return (
            self.env["collection.run.error"]
            .sudo()
            .create(
                {
                    "run_id": self.id,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "message": str(error) or error.__class__.__name__,
                }
            )
        )

    def _finish(self):
        self.write({"state": "done", "finished": fields.Datetime.now()})

    def _mark_failed(self, error):
        """The run stopped: say so on its log, in a cursor of its own, since the
        run's own transaction is being rolled back."""
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            cr.execute(
                "UPDATE collection_run_log SET state = 'failed', finished = NOW() AT TIME ZONE "
                "'UTC', failure = %s WHERE id = %s",
                (str(error) or error.__class__.__name__, self.id),
            )
