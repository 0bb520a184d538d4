from odoo import api, fields, models

FINISHED_STATES = ("done", "cancelled")


class CollectionRunLog(models.Model):
    """A run worked by queue jobs: how many batch jobs it enqueued, which batches
    were still waiting from an earlier run of the day, and how many of its jobs
    have not run yet. The log reads *Done* once its last job has run."""

    _inherit = "collection.run.log"

    job_batch_count = fields.Integer(string="Batch Jobs", readonly=True)
    job_batch_skipped = fields.Integer(
        string="Batches Already Queued",
        readonly=True,
        help="Batches of customers an earlier run of the same day had enqueued and "
        "not yet run: not enqueued again.",
    )
    job_graph_uuid = fields.Char(string="Job Graph", readonly=True, copy=False)
    job_pending_count = fields.Integer(
        string="Jobs Not Done",
        compute="_compute_job_counts",
        help="Jobs of this run waiting, queued, running or failed.",
    )
    job_failed_count = fields.Integer(string="Failed Jobs", compute="_compute_job_counts")

    @api.depends("job_graph_uuid")
    def _compute_job_counts(self):
        graphs = [uuid for uuid in self.mapped("job_graph_uuid") if uuid]
        counts = {}
        if graphs:
            rows = (
                self.env["queue.job"]
                .sudo()
                ._read_group([("graph_uuid", "in", graphs)], ["graph_uuid", "state"], ["__count"])
            )
            for graph, state, count in rows:
                pending, failed = counts.get(graph, (0, 0))
                counts[graph] = (
                    pending + (count if state not in FINISHED_STATES else 0),
                    failed + (count if state == "failed" else 0),
                )
        for log in self:
            log.job_pending_count, log.job_failed_count = counts.get(log.job_graph_uuid, (0, 0))

    def action_view_jobs(self):
        """The queue jobs of this run."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Jobs of the run of %s", self.date),
            "res_model": "queue.job",
            "view_mode": "list,form",
            "domain": [("graph_uuid", "=", self.job_graph_uuid)],
        }

    # ------------------------------------------------------------------
    # Jobs (their records are the run's log; see collection.run)
    # ------------------------------------------------------------------

    def _job_work_batch(self, keys):
        """Work one batch of customers of this run."""
        self.ensure_one()
        # the run writes its log as the cron does, whoever enqueued the job
        self.env["collection.run"]._queue_work_batch(self.sudo(), keys)

    def _job_finish_run(self):
        """Run the steps after the batches and close this run's log."""
        self.ensure_one()
        self.env["collection.run"]._queue_finish_run(self.sudo())

    def _job_failed(self, exc_name=None, exc_message=None, exc_info=None):
        """A job of this run failed for good (no retry left): the log says so,
        with the reason, and stays failed until the job is requeued and the run's
        last job closes it."""
        self.sudo().write(
            {
                "state": "failed",
                "finished": fields.Datetime.now(),
                "failure": exc_message or exc_name or self.env._("A job of the run failed."),
            }
        )
