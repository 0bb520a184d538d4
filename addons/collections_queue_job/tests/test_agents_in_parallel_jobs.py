from unittest.mock import patch

import psycopg2.errors

from odoo.tests import tagged

from odoo.addons.collections_dunning.tests.common import CollectionsCommon
from odoo.addons.collections_queue_job.models.collection_run import JOB_COMMITS


@tagged("post_install", "-at_install")
class TestAgentsInParallelJobs(CollectionsCommon):
    """Batch jobs running at the same time take agents from the same teams: each
    takes them in a short transaction of its own, from the team's last agent as
    the other jobs committed it (in the job's own transaction, the second job to
    write the team failed to serialize and waited a minute for its retry)."""

    def setUp(self):
        super().setUp()
        self.team_collections.collection_assign_method = "round_robin"
        self.in_job = self.team_collections.with_context(**{JOB_COMMITS: True})

    def _other_job_gives_a_case_to(self, agent):
        """Another batch job takes ``agent`` for a case and commits."""
        with self.env.registry.cursor() as cr:
            team = self.team_collections.with_env(self.env(cr=cr))
            team.sudo().collection_last_user_id = agent

    def test_round_robin_goes_on_from_what_other_jobs_committed(self):
        with self.enter_registry_test_mode():
            # this job read the team before the other job took its agent
            self.assertFalse(self.in_job.collection_last_user_id)
            self._other_job_gives_a_case_to(self.agent_1)
            agents = self.in_job._collection_assign_agents(2)
            self.assertEqual(agents, [self.agent_2, self.agent_1])
            self.assertEqual(agents[0].env, self.in_job.env)
        self.assertEqual(self.team_collections.collection_last_user_id, self.agent_1)

    def test_a_job_taking_agents_at_the_same_time_makes_it_read_them_again(self):
        Team = type(self.env["helpdesk.ticket.team"])
        members = Team._collection_agents
        calls = []

        def members_after_a_conflict(team):
            calls.append(team.env.cr)
            if len(calls) == 1:
                raise psycopg2.errors.SerializationFailure("concurrent update")
            return members(team)

        with (
            self.enter_registry_test_mode(),
            patch.object(Team, "_collection_agents", members_after_a_conflict),
        ):
            agents = self.in_job._collection_assign_agents(1)
        self.assertEqual(len(calls), 2)
        self.assertNotIn(self.env.cr, calls)
        self.assertEqual(agents, [self.agent_1])

    def test_in_process_the_team_is_written_in_the_run_s_transaction(self):
        agents = self.team_collections._collection_assign_agents(1)
        self.assertEqual(agents, [self.agent_1])
        self.assertEqual(self.team_collections.collection_last_user_id, self.agent_1)
