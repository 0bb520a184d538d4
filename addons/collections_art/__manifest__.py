# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Collections Asset Recovery",
    "summary": "Asset Recovery Team: case validation, mobile field visits, legal "
    "notices and NPA, Slack escalation",
    "version": "19.0.1.2.0",
    "license": "AGPL-3",
    "category": "Accounting/Accounting",
    "author": "Odoo Collections",
    "website": "https://github.com/odoo-collections/odoo-collections",
    "depends": ["collections_dunning"],
    "external_dependencies": {"python": ["slack_sdk"]},
    "data": [
        "security/collections_art_security.xml",
        "security/ir.model.access.csv",
        "data/helpdesk_data.xml",
        "views/collection_art_visit_views.xml",
        "views/collection_legal_notice_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/res_config_settings_views.xml",
        "report/legal_notice_report.xml",
        "report/collection_art_sla_report_views.xml",
        "views/collections_art_menus.xml",
    ],
    "demo": ["demo/collections_art_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "collections_art/static/src/js/*.esm.js",
            "collections_art/static/src/xml/*.xml",
        ],
        "web.assets_tests": [
            "collections_art/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
