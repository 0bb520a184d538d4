# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Collections Dunning",
    "summary": "Hand payment tickets over from Support to Collections and "
    "work overdue customers from the helpdesk",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "Accounting/Accounting",
    "author": "Odoo Collections",
    "website": "https://github.com/odoo-collections/odoo-collections",
    "depends": [
        "account",
        "helpdesk_mgmt",
        "mail",
        "phone_validation",
        "sms",
    ],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/collections_dunning_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/helpdesk_data.xml",
        "data/collection_policy_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/helpdesk_ticket_category_views.xml",
        "views/res_config_settings_views.xml",
        "views/collection_policy_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "wizards/collection_transfer_wizard_views.xml",
        "views/collections_dunning_menus.xml",
    ],
    "demo": ["demo/collections_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "collections_dunning/static/tests/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
