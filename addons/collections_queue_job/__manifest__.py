# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Collections on Job Queue",
    "summary": "The collections daily run on OCA queue_job: one job per batch of customers, "
    "any number of Odoo workers, the same exactly-once sending",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "Accounting/Accounting",
    "author": "Odoo Collections",
    "website": "https://github.com/odoo-collections/odoo-collections",
    "depends": ["collections_dunning", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
        "views/collection_run_log_views.xml",
    ],
    "installable": True,
    "auto_install": False,
}
