"""Exactly once across transactions: real commits on separate cursors, as the
cron and a second worker make them. The data is made and removed by the test
itself, committed, so it runs on its own cursors and cleans up after itself."""

# Committing is what these tests are about: each cursor commits as the cron does.
# pylint: disable=invalid-commit

import threading
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.tests import TransactionCase, tagged

from odoo.addons.collections_dunning.channel_client import JsonChannelClient

from .stub_gateway import StubGateway

COUNT = 5
# Queries per message sent: claim, commit before the call, answer (issue 13).
MESSAGE_QUERIES = 4


def _zone_at_noon():
    """A fixed-offset time zone where it is about noon now: the contact hours
    allow the messages whatever the hour of the real clock."""
    offset = 12 - datetime.utcnow().hour
    offset = max(-12, min(offset, 14))
    sign = "-" if offset > 0 else "+"  # Etc/GMT-5 is five hours ahead of UTC
    return f"Etc/GMT{sign}{abs(offset)}"


class KilledError(BaseException):
    """The worker is killed: nothing after this point runs or commits."""


@tagged("post_install", "-at_install")
class TestExactlyOnce(TransactionCase):
    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _committed(self, func):
        with self.registry.cursor() as cr:
            result = func(self._env(cr))
            cr.commit()
            return result

    def _make_data(self, url):
        def make(env):
            company = env.ref("base.main_company")
            provider = env["collection.channel.provider"].create(
                {
                    "name": "Exactly-once gateway",
                    "channel": "whatsapp",
                    "provider_type": "http_json",
                    "url": url,
                    "company_id": company.id,
                }
            )
            partner = env["res.partner"].create(
                {
                    "name": "Exactly-once household",
                    "phone": "+91 80 4000 9999",
                    "country_id": env.ref("base.in").id,
                    "tz": _zone_at_noon(),
                }
            )
            team = env.ref("collections_dunning.helpdesk_team_collections")
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": "Exactly-once case",
                    "description": "<p>x</p>",
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "stage_id": env.ref("collections_dunning.helpdesk_stage_l2").id,
                    "collection_case": True,
                    "amount_overdue": 900.0,
                }
            )
            steps = env["collection.reminder.step"].search(
                [("sms_template_id", "!=", False)], limit=COUNT
            )
            reminders = env["collection.reminder"].create(
                [
                    {
                        "ticket_id": ticket.id,
                        "step_id": step.id,
                        "channel": "whatsapp",
                        "due_date": fields.Date.today(),
                    }
                    for step in steps
                ]
            )
            return provider.id, partner.id, ticket.id, reminders.ids

        provider_id, partner_id, ticket_id, reminder_ids = self._committed(make)

        def cleanup(env):
            env["collection.reminder"].browse(reminder_ids).unlink()
            env["helpdesk.ticket"].browse(ticket_id).unlink()
            env["collection.channel.provider"].browse(provider_id).unlink()
            env["res.partner"].browse(partner_id).unlink()

        self.addCleanup(self._committed, cleanup)
        self.assertEqual(len(reminder_ids), COUNT)
        return reminder_ids

    def _states(self, reminder_ids):
        return self._committed(
            lambda env: env["collection.reminder"].browse(reminder_ids).mapped("state")
        )

    def _commit_per_call(self):
        """The cron commits after each call (``collection.run._checkpoint``)."""

        def checkpoint(run, processed=0):
            run.env.cr.commit()
            return float("inf")

        return patch.object(type(self.env["collection.run"]), "_checkpoint", checkpoint)

    def test_killed_after_k_messages_then_rerun_sends_each_once(self):
        with StubGateway() as gateway:
            reminder_ids = self._make_data(gateway.url)
            send = JsonChannelClient.send
            accepted = []

            def send_then_die(client, payload, idempotency_key=None):
                if len(accepted) == 2:
                    raise KilledError()  # killed after the gateway accepted 2
                answer = send(client, payload, idempotency_key)
                accepted.append(idempotency_key)
                return answer

            with self._commit_per_call(), patch.object(JsonChannelClient, "send", send_then_die):
                with self.assertRaises(KilledError), self.registry.cursor() as cr:
                    self._env(cr)["collection.reminder"].browse(reminder_ids)._send_within_rules()
            states = self._states(reminder_ids)
            self.assertEqual(states.count("sent"), 2, "the two answers were saved")
            self.assertEqual(states.count("sending"), 1, "the one in flight is left claimed")
            self.assertEqual(states.count("queued"), COUNT - 3, "the rest was never claimed")
            # the cron runs again, later: the one in flight is asked again under its
            # key (the gateway answers once per key), the rest is sent
            later = datetime.utcnow() + timedelta(minutes=20)
            with self._commit_per_call(), freeze_time(later), self.registry.cursor() as cr:
                self._env(cr)["collection.reminder"]._cron_send_queued()
                cr.commit()
        self.assertEqual(self._states(reminder_ids), ["sent"] * COUNT)
        keys = [request["key"] for request in gateway.requests]
        self.assertEqual(len(keys), COUNT)
        self.assertEqual(len(set(keys)), COUNT, "each idempotency key seen once")
        self.assertEqual(len(gateway.messages), COUNT, "no customer got a message twice")

    def test_run_and_queued_sender_on_two_cursors_send_each_once(self):
        with StubGateway() as gateway:
            reminder_ids = self._make_data(gateway.url)
            barrier = threading.Barrier(2)
            errors = []

            def worker(job):
                try:
                    with self.registry.cursor() as cr:
                        env = self._env(cr)
                        reminders = env["collection.reminder"].browse(reminder_ids)
                        reminders.mapped("state")  # both read the rows as queued first
                        barrier.wait(timeout=30)
                        job(env, reminders)
                        cr.commit()
                except Exception as error:  # noqa: BLE001 - a conflict rolls one back
                    errors.append(error)

            jobs = [
                # the daily run sends the batch it logged...
                lambda env, reminders: reminders._send_within_rules(),
                # ...while the hourly sender picks up every queued reminder
                lambda env, reminders: env["collection.reminder"]._cron_send_queued(),
            ]
            with self._commit_per_call():
                threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
                # whatever one of them left (a serialization conflict), the next hour sends
                with self.registry.cursor() as cr:
                    self._env(cr)["collection.reminder"]._cron_send_queued()
                    cr.commit()
        for error in errors:
            self.assertIn("could not serialize", str(error))
        self.assertEqual(self._states(reminder_ids), ["sent"] * COUNT)
        keys = [request["key"] for request in gateway.requests]
        self.assertEqual(sorted(keys), sorted(set(keys)), "one message per reminder")
        self.assertEqual(len(gateway.messages), COUNT)

    def test_one_sending_loop_keeps_one_connection_to_the_gateway(self):
        """Issue 13: the reminders a provider sends in one loop share one kept
        connection, each still claimed and committed before its own call
        (they were one connection each: a TLS handshake per message with a real
        gateway)."""
        with StubGateway() as gateway:
            gateway.keep_alive = True
            reminder_ids = self._make_data(gateway.url)
            with self._commit_per_call(), self.registry.cursor() as cr:
                self._env(cr)["collection.reminder"].browse(reminder_ids)._send_within_rules()
                cr.commit()
        self.assertEqual(self._states(reminder_ids), ["sent"] * COUNT)
        self.assertEqual(len(gateway.messages), COUNT)
        self.assertEqual(gateway.connections, 1)

    def test_each_message_costs_its_claim_commit_and_answer_only(self):
        """Issue 13: a message costs its claim, the commit before the call and its
        answer, the same for the first and the fifth; nothing sent is read again
        after each commit (which empties the ORM's cache)."""
        with StubGateway() as gateway:
            reminder_ids = self._make_data(gateway.url)

            def send(ids):
                with self.registry.cursor() as cr:
                    reminders = self._env(cr)["collection.reminder"].browse(ids)
                    before = sql_db.sql_counter
                    reminders._send_within_rules()
                    cr.commit()
                    return sql_db.sql_counter - before

            with self._commit_per_call():
                one = send(reminder_ids[:1])
                four = send(reminder_ids[1:])
        self.assertEqual(self._states(reminder_ids), ["sent"] * COUNT)
        self.assertEqual(len(gateway.messages), COUNT)
        per_message = (four - one) / 3
        self.assertLessEqual(per_message, MESSAGE_QUERIES, f"{one} then {four} queries")
