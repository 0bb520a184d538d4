import importlib.util
from datetime import date, datetime, timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import sql

from .common import CollectionsCommon

MIGRATIONS = Path(__file__).parent.parent / "migrations"
DUE = date(2031, 5, 1)
LOG_COLUMNS = ("create_uid", "write_uid", "create_date", "write_date")


def migration(version, name):
    """The ``migrate`` function of migrations/<version>/<name>.py."""
    path = MIGRATIONS / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"collections_dunning_{name}_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.migrate


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
