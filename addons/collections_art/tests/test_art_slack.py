from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.collections_dunning.tests.stub_gateway import StubGateway

from .common import ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtSlack(ArtCommon):
    """Slack escalation, exactly once."""

    def test_slack_post_is_retried_until_delivered(self):
        self.company.write({"art_urgent_amount": 1000.0, "art_slack_usergroup_id": "S0ARTTEAM"})
        Message = self.env["collection.slack.message"]
        with StubGateway([500, 200]) as slack:
            self.company.art_slack_webhook_url = slack.url
            self._run(61)
            message = Message.search([("ticket_id", "=", self._art_case().id)])
            # queued with the run's transaction, posted by the queue once committed
            self.assertEqual((message.state, slack.requests), ("pending", []))
            with freeze_time(at(61, 10)):
                Message._cron_deliver()
            self.assertEqual(message.state, "pending")
            self.assertEqual(message.attempts, 1)
            self.assertIn("500", message.last_error)
            with freeze_time(at(61, 10) + timedelta(minutes=1)):
                Message._cron_deliver()  # too early: waits for its backoff
            self.assertEqual(len(slack.requests), 1)
            with freeze_time(at(61, 10) + timedelta(minutes=3)):
                Message._cron_deliver()
            self.assertEqual(message.state, "sent")
            with freeze_time(at(61, 11)):
                Message._cron_deliver()
        self.assertEqual(len(slack.requests), 2, "posted once it went through, never again")
        text = slack.requests[-1]["body"]["text"]
        self.assertTrue(text.startswith("<!subteam^S0ARTTEAM>"))
        self.assertIn(self._art_case().number, text)
        self.assertIn("61 days past due", text)
        self.assertEqual(self._art_case().art_slack_message_ids, message)

    def test_slack_down_keeps_message(self):
        with StubGateway() as slack:
            url = slack.url
        self.company.art_slack_webhook_url = url
        self._run(61)
        case = self._art_case()
        with freeze_time(at(61, 10)):
            case.with_user(self.officer).action_art_post_slack()
        message = self.env["collection.slack.message"].search([("ticket_id", "=", case.id)])
        with freeze_time(at(61, 11)):
            message._cron_deliver()
        self.assertEqual(message.state, "pending")
        self.assertIn("unreachable", message.last_error)
        self.assertNotIn(url.split("/")[2], message.last_error)

    def test_slack_rejected_post_fails_and_rolled_back_post_is_never_sent(self):
        Message = self.env["collection.slack.message"]
        self._run(61)
        case = self._art_case()
        with StubGateway([404]) as slack:
            self.company.art_slack_webhook_url = slack.url
            # decided in a transaction that rolls back: nothing is posted
            with freeze_time(at(61, 10)):
                with (
                    self.assertRaisesRegex(UserError, "changed their mind"),
                    self.env.cr.savepoint(),
                ):
                    case.with_user(self.officer).action_art_post_slack()
                    self.assertEqual(len(Message.search([("ticket_id", "=", case.id)])), 1)
                    raise UserError(self.env._("The officer changed their mind"))
                self.assertFalse(Message.search([("ticket_id", "=", case.id)]))
                case.with_user(self.officer).action_art_post_slack()
            with freeze_time(at(61, 11)):
                Message._cron_deliver()
        message = Message.search([("ticket_id", "=", case.id)])
        self.assertEqual(message.state, "failed")
        self.assertIn("404", message.last_error)
        self.assertEqual(len(slack.requests), 1)

    def test_nobody_marks_a_slack_post_sent_by_hand(self):
        self._run(61)
        with freeze_time(at(61, 10)):
            self._art_case().with_user(self.officer).action_art_post_slack()
        message = self.env["collection.slack.message"].search(
            [("ticket_id", "=", self._art_case().id)]
        )
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            message.with_user(self.art_manager).write({"state": "sent"})
        self.assertEqual(message.state, "pending")

    def test_slack_post_left_claimed_is_not_posted_twice(self):
        Message = self.env["collection.slack.message"]
        self._run(61)
        with freeze_time(at(61, 10)):
            self._art_case().with_user(self.officer).action_art_post_slack()
        message = Message.search([("ticket_id", "=", self._art_case().id)])
        # as if a worker stopped between its post and saving Slack's answer
        message.sudo().write({"state": "sending", "claimed_date": at(61, 10)})
        with StubGateway() as slack:
            self.company.art_slack_webhook_url = slack.url
            with freeze_time(at(61, 11)):
                Message._cron_deliver()
        self.assertEqual(slack.requests, [])
        self.assertEqual(message.state, "unknown")
