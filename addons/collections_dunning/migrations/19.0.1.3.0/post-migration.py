"""19.0.1.3.0: a daily snapshot row no longer keeps Odoo's create/write user and
date (``collection.snapshot._log_access``): its day is its date, its author the
daily run. Odoo leaves the columns of fields a model no longer has, with their
foreign keys, which each row the run inserts would still be checked against:
they are dropped here."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        ALTER TABLE collection_snapshot
            DROP COLUMN IF EXISTS create_uid,
            DROP COLUMN IF EXISTS write_uid,
            DROP COLUMN IF EXISTS create_date,
            DROP COLUMN IF EXISTS write_date
        """
    )
