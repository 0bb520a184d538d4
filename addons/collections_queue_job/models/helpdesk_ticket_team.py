import psycopg2.errors

from odoo import models
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from .collection_run import COUNT_ATTEMPTS, JOB_COMMITS


class HelpdeskTicketTeam(models.Model):
    """In a batch job, the team's agents for new cases are taken in a short
    transaction of their own, committed at once.

    Choosing them writes the team's last assigned agent. Batch jobs that run at
    the same time each open cases in the same teams: in the jobs' own long
    transactions, the second job to write the team's row failed to serialize
    and waited for queue_job's retry (a minute) while the first held the row.
    The short transaction locks the team's row, reads the last agent as the
    other jobs committed it, so the round robin goes on across jobs, and lets
    go of the row at once.
    """

    _inherit = "helpdesk.ticket.team"

    def _collection_assign_agents(self, count):
        if not self.env.context.get(JOB_COMMITS):
            return super()._collection_assign_agents(count)
        self.ensure_one()
        for _attempt in range(COUNT_ATTEMPTS):
            try:
                with self.env.registry.cursor() as cr:
                    cr.execute(
                        SQL(
                            "SELECT id FROM helpdesk_ticket_team WHERE id = %s FOR NO KEY UPDATE",
                            self.id,
                        )
                    )
                    team = self.with_env(self.env(cr=cr))
                    agents = super(HelpdeskTicketTeam, team)._collection_assign_agents(count)
                    return [agent.with_env(self.env) for agent in agents]
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
                # another job took agents of this team meanwhile: read them again
                continue
        raise RetryableJobError(self.env._("The team stayed busy: no agents taken yet."))
