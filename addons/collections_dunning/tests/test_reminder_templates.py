import re
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


@tagged("post_install", "-at_install")
class TestReminderTemplates(CollectionsCommon):
    """The reminders' placeholders: what the customer reads, and who may write them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"phone": "080 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time(DUE):
            cls._create_invoice(cls.customer, DUE, 1200.0)
        cls.mail_template = cls.env.ref("collections_dunning.mail_template_reminder")
        cls.sms_template = cls.env.ref("collections_dunning.sms_template_reminder")

    def _first_day(self):
        with freeze_time("2026-02-01 10:00:00"):
            self.env["collection.policy"]._cron_run()
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def test_reminders_say_amount_days_and_reference(self):
        case = self._first_day()
        amount = format_amount(self.env, 1200.0, case.company_currency_id)
        mail = self.env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        self.assertEqual(mail.subject, f"Payment reminder: {amount} overdue")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(f"Dear {self.customer.name},", mail.body_html)
        self.assertIn(f"<strong>{amount}</strong>", mail.body_html)
        self.assertRegex(mail.body_html, r"overdue for\s+1\s+days")
        self.assertIn(f"Reference: {case.number}", mail.body_html)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            sms.body,
            f"{self.env.company.name}: {amount} is overdue by 1 days (ref {case.number}). "
            "Please pay now or call us back.",
        )

    def test_shipped_reminders_evaluate_no_python(self):
        """Plain placeholders: Odoo renders them without compiling the template
        for each customer, and users outside the template editors may edit them."""
        self.assertFalse(self.mail_template._has_unsafe_expression())
        self.assertFalse(self.sms_template._has_unsafe_expression())

    def test_manager_without_editor_rights_writes_reminder_wording(self):
        self.env["ir.config_parameter"].set_param("mail.restrict.template.rendering", True)
        self.assertFalse(self.manager.has_group("mail.group_mail_template_editor"))
        Template = self.env["mail.template"].with_user(self.manager)
        model = self.env.ref("helpdesk_mgmt.model_helpdesk_ticket")
        template = Template.create(
            {
                "name": "Gentle reminder",
                "model_id": model.id,
                "subject": "{{ object.number }}: {{ object.collection_amount_overdue_text }} due",
                "body_html": '<p><t t-out="object.collection_dpd"/> days late, '
                '<t t-out="object.purifier_id"/></p>',
            }
        )
        case = self._first_day().with_user(self.manager)
        subject = template._render_field("subject", case.ids)[case.id]
        amount = format_amount(self.env, 1200.0, case.company_currency_id)
        self.assertEqual(subject, f"{case.number}: {amount} due")
        body = template._render_field("body_html", case.ids)[case.id]
        self.assertTrue(re.search(r"1 days late", body), body)
        with self.assertRefused(AccessError, "Mail Template Editor"):
            Template.create(
                {
                    "name": "Doubled",
                    "model_id": model.id,
                    "subject": "{{ object.amount_overdue * 2 }}",
                }
            )
