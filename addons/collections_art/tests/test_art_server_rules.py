from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.collections_art.models.res_company import ART_SETTING_BOUNDS
from odoo.addons.collections_dunning.tests.stub_gateway import StubGateway

from .common import ArtCommon, at


@tagged("post_install", "-at_install")
class TestArtServerRules(ArtCommon):
    """Issue 10: Asset Recovery fields, actions and secrets hold for RPC callers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.internal_user = new_test_user(cls.env, login="art-rules-user", groups="base.group_user")
        cls.case = cls._hand_over_at_day_61()

    def test_art_fields_refused_outside_their_actions(self):
        self.assertTrue(self.case)
        values = {
            "art_validated_date": "2026-03-03 10:00:00",
            "art_validated_by_id": self.officer.id,
            "art_validation_deadline": "2030-01-01 00:00:00",
            "art_visit_deadline": "2030-01-01 00:00:00",
            "art_first_visit_date": "2026-03-03 10:00:00",
            "art_notified_date": "2026-03-03 10:00:00",
            "art_asset_returned_date": "2026-03-03 10:00:00",
            "art_late_alerted": True,
            "art_source_ticket_id": False,
        }
        snapshot = self.case.read(list(values))[0]
        for user in (self.officer, self.agent_1, self.manager):
            for name, value in values.items():
                with self.subTest(user=user.login, field=name):
                    with self.assertRaisesRegex(AccessError, "cannot be set by hand"):
                        self.case.with_user(user).write({name: value})
        self.case.invalidate_recordset()
        self.assertEqual(self.case.read(list(values))[0], snapshot)

    def test_validation_action_still_writes_and_is_tracked(self):
        case = self.case.with_context(tracking_disable=False, mail_notrack=False)
        with freeze_time(at(61, 12)):
            case.with_user(self.officer).action_art_validate()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(self.case.art_validated_by_id, self.officer)
        self.assertFalse(self.case.art_notified_date, "notified once the email is sent")
        with freeze_time(at(61, 12)):
            self._flush_outboxes()
        self.assertTrue(self.case.art_notified_date)
        tracked = self.case.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("art_validated_by_id", tracked)

    def test_officer_actions_are_for_officers(self):
        for user in (self.agent_1, self.support_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.case.with_user(user).action_art_validate()
        self.assertFalse(self.case.art_validated_date)

    def test_officer_reads_the_overdue_amount_support_does_not(self):
        self.assertEqual(
            self.case.with_user(self.officer).read(["amount_overdue"])[0]["amount_overdue"], 2400.0
        )
        ticket = self._create_ticket()
        with self.assertRaises(AccessError):
            ticket.with_user(self.support_user).read(["amount_overdue"])
        views = [(False, "form"), (False, "list"), (False, "kanban")]
        for user in (self.officer, self.support_user):
            with self.subTest(user=user.login):
                self.env["helpdesk.ticket"].with_user(user).get_views(views)

    def test_slack_webhook_only_for_administrators(self):
        self.company.art_slack_webhook_url = "https://hooks.slack.com/services/T0/B0/SECRET"
        for user in (self.portal_user, self.internal_user, self.manager, self.officer):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.company.with_user(user).read(["art_slack_webhook_url"])
        admin = self.env.ref("base.user_admin")
        self.assertEqual(
            self.company.with_user(admin).art_slack_webhook_url,
            "https://hooks.slack.com/services/T0/B0/SECRET",
        )

    def test_slack_webhook_https_only(self):
        with self.assertRaisesRegex(ValidationError, "https"):
            self.company.art_slack_webhook_url = "http://hooks.example.com/services/x"
        self.company.art_slack_webhook_url = "http://127.0.0.1:8069/hook"

    def test_slack_error_hides_the_webhook(self):
        with StubGateway() as slack:
            url = slack.url.replace("/send", "/services/T0/B0/SECRETPATH")
        self.company.art_slack_webhook_url = url
        self.case.with_user(self.officer).action_art_post_slack()
        message = self.env["collection.slack.message"].search([("ticket_id", "=", self.case.id)])
        message._cron_deliver()
        self.assertIn("unreachable", message.last_error)
        self.assertNotIn("SECRETPATH", message.last_error)
        self.assertNotIn(url.split("/")[2], message.last_error)

    def test_art_settings_bounded(self):
        before = self.company.read(list(ART_SETTING_BOUNDS))[0]
        for name, (low, high) in ART_SETTING_BOUNDS.items():
            for value in (low - 1, high + 1):
                with self.subTest(field=name, value=value):
                    with self.assertRefused(ValidationError, "must be between"):
                        self.company.write({name: value})
        self.company.invalidate_recordset()
        self.assertEqual(self.company.read(list(ART_SETTING_BOUNDS))[0], before)
