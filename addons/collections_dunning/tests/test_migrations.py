from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import format_amount, sql

from .common import CollectionsCommon, migration

DUE = date(2031, 5, 1)
LOG_COLUMNS = ("create_uid", "write_uid", "create_date", "write_date")


@tagged("post_install", "-at_install")
class TestMigrations(CollectionsCommon):
    def _run(self, n):
        at = datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=10)
        with freeze_time(at):
            self.env["collection.policy"]._cron_run()

    def test_snapshot_loses_odoo_log_columns_in_1_3_0(self):
        """A database from before 19.0.1.3.0 has the snapshot's create/write user
        and date columns, the users with foreign keys: the migration drops them (Odoo
        would leave them, and every row the run inserts would still be checked
        against those keys), and the run goes on writing its snapshots."""
        cr = self.env.cr
        cr.execute(
            """
            ALTER TABLE collection_snapshot
                ADD COLUMN create_uid int4 REFERENCES res_users (id) ON DELETE SET NULL,
                ADD COLUMN write_uid int4 REFERENCES res_users (id) ON DELETE SET NULL,
                ADD COLUMN create_date timestamp,
                ADD COLUMN write_date timestamp
            """
        )
        with freeze_time(DUE):
            self._create_invoice(self.customer, DUE, 900.0)
        self._run(3)
        migrate = migration("19.0.1.3.0", "post-migration")
        migrate(cr, None)  # a new installation: nothing to migrate
        self.assertTrue(sql.column_exists(cr, "collection_snapshot", "create_uid"))
        migrate(cr, "19.0.1.2.0")
        for column in LOG_COLUMNS:
            self.assertFalse(sql.column_exists(cr, "collection_snapshot", column), column)
        self._run(4)
        snapshots = self.env["collection.snapshot"].search(
            [("partner_id", "=", self.customer.id)], order="date"
        )
        self.assertEqual(snapshots.mapped("dpd"), [3, 4])

    def test_reminders_get_plain_placeholders_in_1_4_0(self):
        """A database from before 19.0.1.4.0 keeps its reminder templates (they are
        not updated by an upgrade), with the amount as a Python call: the
        migration rewrites that expression in every language and keeps the rest
        of each template as the company wrote it; the reminder says the same."""
        old_amount = "format_amount(object.amount_overdue, object.company_currency_id)"
        mail = self.env.ref("collections_dunning.mail_template_reminder")
        sms = self.env.ref("collections_dunning.sms_template_reminder")
        cr = self.env.cr
        cr.execute(
            """
            UPDATE mail_template SET subject = jsonb_build_object(
                'en_US', 'Reminder: {{ ' || %(old)s || ' }} unpaid')
             WHERE id = %(mail)s;
            UPDATE sms_template SET body = jsonb_build_object(
                'en_US', 'Please pay {{ ' || %(old)s || ' }} today.',
                'fr_FR', 'Merci de payer {{ ' || %(old)s || ' }} aujourd''hui.')
             WHERE id = %(sms)s
            """,
            {"old": old_amount, "mail": mail.id, "sms": sms.id},
        )
        self.env.invalidate_all()
        self.assertTrue(sms._has_unsafe_expression())
        migration("19.0.1.4.0", "post-migration")(cr, "19.0.1.3.0")
        self.env.invalidate_all()
        placeholder = "{{ object.collection_amount_overdue_text }}"
        self.assertEqual(mail.subject, f"Reminder: {placeholder} unpaid")
        self.assertEqual(sms.body, f"Please pay {placeholder} today.")
        cr.execute("SELECT body->>'fr_FR' FROM sms_template WHERE id = %s", [sms.id])
        self.assertEqual(cr.fetchone()[0], f"Merci de payer {placeholder} aujourd'hui.")
        self.assertNotIn("format_amount", mail.body_html)
        self.assertFalse(mail._has_unsafe_expression())
        self.assertFalse(sms._has_unsafe_expression())
        with freeze_time(DUE):
            self._create_invoice(self.customer, DUE, 900.0)
        self._run(1)
        case = self.env["helpdesk.ticket"].search([("partner_id", "=", self.customer.id)])
        amount = format_amount(self.env, 900.0, case.company_currency_id)
        sent = self.env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        self.assertEqual(sent.subject, f"Reminder: {amount} unpaid")
