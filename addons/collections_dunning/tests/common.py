import importlib.util
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon, MockSmtplibCase


def migration(version, name, addon="collections_dunning"):
    """The ``migrate`` function of ``addon``'s migrations/<version>/<name>.py."""
    path = Path(__file__).parents[2] / addon / "migrations" / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{addon}_{name}_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.migrate


class AcceptingSmsApi:
    """Stands in for the SMS provider (IAP or Twilio), which this machine cannot
    reach: it answers "success" for every number, as the provider does when it
    accepts a message; Odoo's own SMS code handles the answer."""

    PROVIDER_TO_SMS_FAILURE_TYPE = {}

    def __init__(self, env):
        self.env = env

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        return [
            {"uuid": number["uuid"], "state": "success"}
            for message in messages
            for number in message["numbers"]
        ]


class CollectionsCommon(BaseCommon, MockSmtplibCase):
    """Teams, categories and one user per role, independent of demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.company.write(
            {
                "collection_purifier_pattern": False,
                "collection_callback_delay": 30,
            }
        )
        cls.team_collections = env.ref("collections_dunning.helpdesk_team_collections")
        cls.team_support = env.ref("collections_dunning.helpdesk_team_support")
        cls.team_operations = env.ref("collections_dunning.helpdesk_team_operations")
        cls.category_payment = env.ref("collections_dunning.helpdesk_category_payment_issue")
        cls.category_billing = env.ref("collections_dunning.helpdesk_category_billing_cycle")
        cls.category_wifi = env.ref("collections_dunning.helpdesk_category_wifi_problem")
        cls.category_referral = env.ref("collections_dunning.helpdesk_category_referral_issue")

        cls.support_user = new_test_user(
            env, login="coll-support", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.support_team_user = new_test_user(
            env, login="coll-support-team", groups="helpdesk_mgmt.group_helpdesk_user_team"
        )
        cls.agent_1 = new_test_user(
            env, login="coll-agent-1", groups="collections_dunning.group_collection_agent"
        )
        cls.agent_2 = new_test_user(
            env, login="coll-agent-2", groups="collections_dunning.group_collection_agent"
        )
        cls.manager = new_test_user(
            env, login="coll-manager", groups="collections_dunning.group_collection_manager"
        )
        cls.customer = env["res.partner"].create(
            {"name": "Household 7, Test Street", "email": "h7@example.com"}
        )
        cls.portal_user = new_test_user(
            env,
            login="coll-portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.team_collections.write(
            {
                "user_ids": [Command.set([cls.agent_1.id, cls.agent_2.id])],
                "collection_assign_method": "balanced",
                "collection_last_user_id": False,
            }
        )
        cls.team_support.user_ids = [Command.set([cls.support_team_user.id])]

    @contextmanager
    def assertRefused(self, exception, regex):
        """Like ``assertRaisesRegex``, but through Odoo's ``assertRaises``, which
        rolls the refused call back to a savepoint as a request would be (the
        stock ``assertRaisesRegex`` does not): what follows checks that nothing
        stayed half-written."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    @classmethod
    def _create_ticket(cls, **values):
        vals = {
            "name": "Card payment declined",
            "description": "<p>The card was declined twice.</p>",
            "partner_id": cls.customer.id,
            "team_id": cls.team_support.id,
            "category_id": cls.category_payment.id,
            "purifier_id": "PUR-000123",
            "user_id": False,
        }
        vals.update(values)
        return cls.env["helpdesk.ticket"].create(vals)

    @staticmethod
    def _transfer(ticket, reason="Payment failed at the gateway"):
        action = ticket.action_transfer_to_collections()
        wizard = (
            ticket.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        return wizard.action_confirm()

    @classmethod
    def _create_invoice(cls, partner, due_date, amount=1000.0):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due_date,
                "invoice_date_due": due_date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Purifier rental",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _overdue_households(self, count, due_dates, amount=500.0):
        """``count`` new customers with an Indian phone and email, each with one
        posted invoice due on each of ``due_dates`` (created in one batch,
        dated as on the first due date); the ORM cache is flushed and cleared
        after, so what follows is measured from the database."""
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Household {n}",
                    "email": f"household{n}@example.com",
                    "phone": f"+91 80 4000 {2000 + n}",
                    "country_id": self.env.ref("base.in").id,
                }
                for n in range(count)
            ]
        )
        with freeze_time(min(due_dates)):
            invoices = self.env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": due,
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Rental",
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for partner in partners
                    for due in due_dates
                ]
            )
            invoices.action_post()
        self.env.flush_all()
        self.env.invalidate_all()
        return partners

    @classmethod
    def _pay(cls, invoices, amount=None, date=None):
        register = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"payment_date": date or fields.Date.today()})
        )
        if amount is not None:
            register.amount = amount
        return register._create_payments()

    def _flush_outboxes(self):
        """Odoo's mail and SMS queues send what was handed to them, as their
        crons would: emails through a stand-in SMTP server, SMS to a stand-in
        provider that accepts them all."""
        env = self.env
        with self.mock_smtplib_connection():
            env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        sms = env["sms.sms"].sudo().search([("state", "=", "outgoing")])
        if sms:
            sms.with_context(sms_api=AcceptingSmsApi(env))._send()

    def _notes(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_note")
        ).mapped("body")


class GatewayCommon(CollectionsCommon):
    """A customer with a phone number and an invoice due the day before the
    daily run, which then opens a case and queues one reminder per channel."""

    RUN_DAY = "2026-02-02 10:00:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time("2026-02-01"):
            cls._create_invoice(cls.customer, date(2026, 2, 1), 900.0)

    def _run(self, when=None):
        """The daily run; its reminders of the customer's case by channel."""
        with freeze_time(when or self.RUN_DAY):
            self.env["collection.policy"]._cron_run()
        case = self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )
        return {r.channel: r for r in case.collection_reminder_ids}

    def _send_queued(self, when):
        with freeze_time(when):
            self.env["collection.reminder"]._cron_send_queued()


class LateStageCommon(CollectionsCommon):
    """Issue 12, late stages: a lending-flow policy (D1 reminder, D3 notice of
    default, D4 repeated attempts, D5 legal over 90 days past due), a customer
    with an email and an Indian mobile number, and the daily run on day n after
    an invoice due on ``DUE``."""

    DUE = date(2026, 1, 1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["collection.policy"].create(
            {
                "name": "Lending collections flow",
                "paid_stage_id": cls.env.ref("collections_dunning.helpdesk_stage_paid").id,
                "level_ids": [
                    Command.create({"code": code, "name": code, "dpd_from": low, "dpd_to": high})
                    for code, low, high in (
                        ("D1", 1, 5),
                        ("D3", 6, 9),
                        ("D4", 10, 89),
                        ("D5", 90, 0),
                    )
                ],
            }
        )
        cls.levels = {level.code: level for level in cls.policy.level_ids}
        cls.customer.write(
            {
                "collection_policy_id": cls.policy.id,
                "phone": "+91 80 4000 1234",
                "country_id": cls.env.ref("base.in").id,
            }
        )

    @classmethod
    def _invoice(cls, amount=1000.0, **values):
        with freeze_time(cls.DUE):
            invoice = cls._create_invoice(cls.customer, cls.DUE, amount)
        if values:
            invoice.write(values)
        return invoice

    def _run_day(self, n):
        """The daily run on day ``n`` past due, at 10:00 UTC (within contact hours)."""
        when = fields.Datetime.to_datetime(self.DUE) + timedelta(days=n, hours=10)
        with freeze_time(when):
            self.env["collection.policy"]._cron_run()
        return self._case()

    def _case(self):
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )
