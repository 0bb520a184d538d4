# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Collections Dashboard",
    "summary": "A Collections spreadsheet dashboard for managers: outstanding by "
    "aging bucket, collection efficiency, roll rates, promise-kept rate, callback "
    "and Asset Recovery SLA, agent ranking",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "Productivity/Dashboard",
    "author": "Odoo Collections",
    "website": "https://github.com/odoo-collections/odoo-collections",
    "depends": ["collections_art", "spreadsheet_dashboard"],
    "data": [
        "security/ir.model.access.csv",
        "security/collections_dashboard_security.xml",
        "data/collections_dashboard_data.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "collections_dashboard/static/tests/tours/*.js",
        ],
    },
    "auto_install": ["collections_art"],
    "installable": True,
}
