import base64
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.collections_dunning.channel_client import (
    ChannelDeliveryError,
    JsonChannelClient,
    check_gateway_url,
)
from odoo.addons.collections_dunning.models.res_company import COLLECTION_SETTING_BOUNDS

from .common import CollectionsCommon
from .stub_gateway import StubGateway

DUE = date(2026, 4, 1)
RUN_AT = datetime.combine(DUE + timedelta(days=20), datetime.min.time()) + timedelta(hours=10)


@tagged("post_install", "-at_install")
class TestServerRules(CollectionsCommon):
    """Issue 10: the rules the forms show hold for any RPC caller too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # these tests are not about contact hours: they run at any hour of the clock
        cls.company.write({"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0})
        cls.customer.write({"ref": "C-0042", "phone": "+91 80 4000 1234"})
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 1200.0)
        with freeze_time(RUN_AT):
            cls.env["collection.policy"]._cron_run()
        cls.case = cls.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", cls.customer.id)]
        )
        cls.internal_user = new_test_user(cls.env, login="coll-internal", groups="base.group_user")
        cls.helpdesk_user = new_test_user(
            cls.env, login="coll-helpdesk", groups="helpdesk_mgmt.group_helpdesk_user"
        )

    # ------------------------------------------------------------------
    # Run-owned fields
    # ------------------------------------------------------------------

    def _owned_values(self):
        other_level = self.case.collection_policy_id.level_ids - self.case.collection_level_id
        agency = self.env["collection.agency"].create(
            {"name": "Recoveries Ltd", "success_fee_percent": 8.0}
        )
        return {
            "amount_overdue": 1.0,
            "penal_accrued": 999.0,
            "penal_accrued_date": "2026-01-01",
            "collection_case": False,
            "collection_level_id": other_level[:1].id,
            "collection_level_amount": 5.0,
            "collection_dpd": 1,
            "collection_due_date": "2026-04-20",
            "next_reminder_date": "2030-01-01",
            "first_contact_date": "2026-04-02 10:00:00",
            "last_contact_date": "2026-04-02 10:00:00",
            "agency_id": agency.id,
            "collection_transfer_reason": "made up",
        }

    def test_nobody_marks_a_reminder_sent_by_hand(self):
        reminder = self.case.collection_reminder_ids[:1]
        self.assertTrue(reminder)
        before = reminder.read(["state", "sent_date", "external_ref"])[0]
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            reminder.with_user(self.manager).write({"state": "sent", "external_ref": "fake"})
        reminder.invalidate_recordset()
        self.assertEqual(reminder.read(["state", "sent_date", "external_ref"])[0], before)
        forged = (
            self.env["collection.reminder"]
            .with_user(self.manager)
            .create(
                {
                    "ticket_id": self.case.id,
                    "step_id": self.env["collection.reminder.step"]
                    .search(
                        [("id", "not in", reminder.ticket_id.collection_reminder_ids.step_id.ids)],
                        limit=1,
                    )
                    .id,
                    "channel": "whatsapp",
                    "due_date": "2026-02-02",
                    "state": "sent",
                    "sent_date": "2026-02-02 10:00:00",
                }
            )
        )
        self.assertEqual((forged.state, forged.sent_date), ("queued", False))

    def test_owned_fields_refused_on_write_for_every_role(self):
        self.assertTrue(self.case)
        snapshot = self.case.sudo().read(list(self._owned_values()))[0]
        for user in (self.agent_1, self.agent_2, self.manager, self.helpdesk_user):
            for name, value in self._owned_values().items():
                with self.subTest(user=user.login, field=name):
                    label = self.case._fields[name].string
                    with self.assertRaisesRegex(AccessError, label):
                        self.case.with_user(user).write({name: value})
        self.case.invalidate_recordset()
        self.assertEqual(self.case.sudo().read(list(self._owned_values()))[0], snapshot)

    def test_owned_fields_refused_on_create(self):
        vals = {
            "name": "Fake case",
            "partner_id": self.customer.id,
            "team_id": self.team_collections.id,
            "purifier_id": "PUR-000999",
            "collection_case": True,
            "amount_overdue": 10.0,
        }
        count = self.env["helpdesk.ticket"].search_count([])
        for user in (self.support_user, self.agent_1, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(AccessError, "cannot be set by hand"):
                    self.env["helpdesk.ticket"].with_user(user).create(dict(vals))
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)

    def test_context_key_sent_by_a_client_is_not_trusted(self):
        """A client can send any context: only the owners' in-process marker counts."""
        agent_case = self.case.with_user(self.agent_1).with_context(
            collection_field_owner=True, collection_run=True
        )
        with self.assertRaisesRegex(AccessError, "Days Past Due"):
            agent_case.write({"collection_dpd": 0})
        self.assertEqual(self.case.collection_dpd, 20)

    def test_owners_still_write_their_fields(self):
        """The run opened the case (sudo); the transfer and the contact log write
        theirs through the owner context, as the caller."""
        self.assertEqual(self.case.amount_overdue, 1200.0)
        self.assertEqual(self.case.collection_dpd, 20)
        ticket = self._create_ticket()
        self._transfer(ticket.with_user(self.support_user))
        self.assertEqual(ticket.collection_transferred_by_id, self.support_user)
        self.assertEqual(ticket.collection_origin_team_id, self.team_support)
        with freeze_time(RUN_AT):
            self.case.with_user(self.agent_1)._collection_register_contact()
        self.assertEqual(self.case.first_contact_date, RUN_AT)

    def test_financial_fields_hidden_from_support_and_internal_users(self):
        ticket = self._create_ticket()
        for user in (self.support_user, self.support_team_user, self.internal_user):
            for name in ("amount_overdue", "penal_accrued", "collection_level_amount"):
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(AccessError):
                        ticket.with_user(user).read([name])
        with self.assertRaises(AccessError):
            ticket.with_user(self.support_user).read(["partner_overdue_amount"])
        values = self.case.with_user(self.agent_1).read(["amount_overdue", "penal_accrued"])[0]
        self.assertEqual(values["amount_overdue"], 1200.0)

    def test_ticket_views_load_for_every_role(self):
        """Views that show the financial fields carry their groups, so they still
        load for users who may not read them."""
        views = [(False, "form"), (False, "list"), (False, "kanban"), (False, "search")]
        kanban = self.env.ref("collections_dunning.helpdesk_ticket_view_kanban_cases")
        for user in (self.support_user, self.support_team_user, self.agent_1, self.manager):
            with self.subTest(user=user.login):
                Ticket = self.env["helpdesk.ticket"].with_user(user)
                result = Ticket.get_views(views)
                form = result["views"]["form"]["arch"]
                self.assertEqual(
                    "partner_overdue_amount" in form,
                    user.has_group("collections_dunning.group_collection_agent"),
                )
                Ticket.get_view(kanban.id, "kanban")

    def test_audit_fields_are_tracked(self):
        Ticket = self.env["helpdesk.ticket"]
        for name in ("collection_level_id", "collection_policy_id", "agency_id", "user_id"):
            self.assertTrue(Ticket._fields[name].tracking, name)
        agency = self.env["collection.agency"].create(
            {"name": "Recoveries Ltd", "success_fee_percent": 8.0}
        )
        # BaseCommon disables tracking for speed: switch it back on, as in production
        case = self.case.with_user(self.manager).with_context(
            tracking_disable=False, mail_notrack=False
        )
        case._collection_place_with(agency)
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self.case.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("agency_id", tracked)

    # ------------------------------------------------------------------
    # Customer-facing actions
    # ------------------------------------------------------------------

    def _fee_invoices(self):
        return self.env["account.move"].search(
            [("invoice_origin", "=", self.case.number), ("partner_id", "=", self.customer.id)]
        )

    def test_pause_link_refused_outside_collections(self):
        self.company.collection_pause_fee = 250.0
        self.case.write({"out_of_station": True, "out_of_station_reason": "Travelling"})
        for user in (self.helpdesk_user, self.support_team_user, self.internal_user):
            for action in (
                "action_send_pause_link",
                "action_send_payment_link",
                "action_send_notice_of_default",
                "action_send_statement",
            ):
                with self.subTest(user=user.login, action=action):
                    with self.assertRaises(AccessError):
                        getattr(self.case.with_user(user), action)()
        with self.assertRaises(AccessError):
            self.case.with_user(self.portal_user).action_send_pause_link()
        self.assertFalse(self._fee_invoices())
        self.case.with_user(self.agent_1).action_send_pause_link()
        self.assertEqual(len(self._fee_invoices()), 1)

    def test_support_user_of_the_team_may_send_a_link(self):
        self.team_collections.user_ids |= self.helpdesk_user
        self.case.with_user(self.helpdesk_user).action_send_payment_link()
        self.assertTrue(
            self.case.message_ids.filtered(lambda m: "pay your overdue invoices" in (m.body or ""))
        )

    def test_agency_recall_is_for_managers(self):
        agency = self.env["collection.agency"].create(
            {"name": "Recoveries Ltd", "success_fee_percent": 8.0}
        )
        self.case.with_user(self.manager)._collection_place_with(agency)
        with self.assertRaises(AccessError):
            self.case.with_user(self.agent_1).action_recall_from_agency()
        self.assertEqual(self.case.agency_id, agency)
        self.case.with_user(self.manager).action_recall_from_agency()
        self.assertFalse(self.case.agency_id)

    # ------------------------------------------------------------------
    # Gateway secrets
    # ------------------------------------------------------------------

    def _provider(self):
        provider = self.env.ref("collections_dunning.channel_provider_ivr")
        provider.write(
            {"provider_type": "http_json", "url": "https://gw.example.com/send", "token": "tok-1"}
        )
        return provider

    def test_token_only_for_administrators(self):
        provider = self._provider()
        for user in (self.manager, self.agent_1):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    provider.with_user(user).read(["token"])
                with self.assertRaises(AccessError):
                    provider.with_user(user).write({"token": "mine"})
        self.assertEqual(provider.token, "tok-1")

    def test_new_url_clears_token(self):
        provider = self._provider()
        provider.with_user(self.manager).write({"name": "IVR gateway", "timeout": 5})
        self.assertEqual(provider.token, "tok-1")
        provider.with_user(self.manager).write({"url": "https://attacker.example.net/x"})
        self.assertFalse(provider.token)
        provider.write({"url": "https://gw2.example.com/send", "token": "tok-2"})
        self.assertEqual(provider.token, "tok-2")

    def test_only_https_urls(self):
        provider = self._provider()
        for url in ("http://gw.example.com/send", "ftp://gw.example.com", "gw.example.com"):
            with self.subTest(url=url):
                with self.assertRefused(ValidationError, "refused"):
                    provider.with_user(self.manager).write({"url": url})
        self.assertEqual(provider.url, "https://gw.example.com/send")
        self.assertEqual(provider.token, "tok-1")
        self.assertIsNone(check_gateway_url("http://127.0.0.1:8069/send"))
        self.assertIsNone(check_gateway_url("http://localhost/send"))

    def test_delivery_settings_bounded(self):
        provider = self._provider()
        for vals in (
            {"timeout": 0},
            {"timeout": 120},
            {"max_attempts": 0},
            {"max_attempts": 11},
            {"backoff": -1},
            {"backoff": 61},
            {"backoff": 60, "max_attempts": 10},
            {"circuit_threshold": 0},
            {"circuit_cooldown": 0},
            {"circuit_cooldown": 2000},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    provider.with_user(self.manager).write(vals)
        self.assertEqual(
            (provider.timeout, provider.max_attempts, provider.backoff), (10.0, 3, 60.0)
        )
        provider.with_user(self.manager).write({"timeout": 60, "max_attempts": 10, "backoff": 1})

    def test_errors_carry_no_url_or_token(self):
        with StubGateway() as gateway:
            url = gateway.url.replace("/send", "/hooks/T0/B0/SECRETPATH")
        client = JsonChannelClient(url, token="tok-SECRET")
        with self.assertRaises(ChannelDeliveryError) as catcher:
            client.send({"x": 1})
        text = str(catcher.exception)
        self.assertIn("unreachable", text)
        for secret in ("SECRETPATH", "tok-SECRET", url.split("/")[2]):
            self.assertNotIn(secret, text)

    def test_failure_reason_hides_gateway_details(self):
        with StubGateway() as gateway:
            url = gateway.url.replace("/send", "/send/SECRETPATH")
        provider = self._provider()
        provider.write({"url": url, "token": "tok-SECRET", "max_attempts": 1})
        state, reason, _ref = provider._send_text(self.case, "+918040001234", "Pay", "ref-1")
        self.assertEqual(state, "failed")
        self.assertIn("unreachable", reason)
        self.assertNotIn("SECRETPATH", reason)
        self.assertNotIn(url.split("/")[2], reason)

    # ------------------------------------------------------------------
    # Bounded settings
    # ------------------------------------------------------------------

    def test_company_settings_bounded(self):
        before = self.company.read(list(COLLECTION_SETTING_BOUNDS))[0]
        for name, (low, high) in COLLECTION_SETTING_BOUNDS.items():
            for value in (low - 1, high + 1):
                with self.subTest(field=name, value=value):
                    with self.assertRefused(ValidationError, "must be between"):
                        self.company.write({name: value})
        self.company.invalidate_recordset()
        self.assertEqual(self.company.read(list(COLLECTION_SETTING_BOUNDS))[0], before)
        with self.assertRefused(ValidationError, "Attempts Cap"):
            self.env["res.config.settings"].create({"collection_attempt_cap": 0}).execute()

    def test_policy_bounds(self):
        policy = self.case.collection_policy_id
        for vals in (
            {"penal_rate": -1},
            {"penal_rate": 101, "penal_period": "year"},
            {"penal_rate": 1.0, "penal_period": "day"},  # 365 % a year
            {"penal_grace_days": -1},
            {"penal_grace_days": 400},
            {"penal_cap_percent": 150},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    policy.with_user(self.manager).write(vals)
        policy.with_user(self.manager).write({"penal_rate": 2.0, "penal_period": "month"})
        level = policy.level_ids.sorted("dpd_from")[-1]
        for vals in ({"dpd_from": 0}, {"dpd_from": 5000}, {"dpd_to": 5000}):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    level.with_user(self.manager).write(vals)
        step = policy.level_ids.step_ids[:1]
        for offset in (-1, 400):
            with self.subTest(offset=offset):
                with self.assertRaisesRegex(ValidationError, "between 0 and"):
                    step.with_user(self.manager).write({"day_offset": offset})

    # ------------------------------------------------------------------
    # Credit bureau CSV
    # ------------------------------------------------------------------

    def test_bureau_csv_escapes_formulas_in_text_only(self):
        self.customer.write({"name": '=HYPERLINK("http://x","y")', "email": "@cmd", "ref": "-2+3"})
        export = (
            self.env["collection.bureau.export"]
            .with_user(self.manager)
            .create({"period": date(2026, 4, 1)})
        )
        with freeze_time(RUN_AT):
            export.action_export()
        rows = base64.b64decode(export.attachment_id.datas).decode().splitlines()
        row = next(r for r in rows if "HYPERLINK" in r)
        self.assertIn('"\'=HYPERLINK(""http://x"",""y"")"', row)
        self.assertIn(",'-2+3,", row)  # the customer reference is text
        self.assertIn(",+91 80 4000 1234,", row)  # a plain phone number holds no formula
        self.assertIn(",'@cmd,", row)
        self.assertIn(",20,1200.00,", row)
        Export = self.env["collection.bureau.export"]
        self.assertEqual(Export._csv_cell("amount_overdue", "-12.50"), "-12.50")
        self.assertEqual(Export._csv_cell("customer_name", "-12.50"), "'-12.50")
        self.assertEqual(Export._csv_cell("customer_name", "\tx"), "'\tx")
        self.assertEqual(Export._csv_cell("days_past_due", 20), 20)
        self.assertEqual(Export._csv_cell("customer_name", "Household 7"), "Household 7")
