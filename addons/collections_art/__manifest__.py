# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Collections Asset Recovery",
    "summary": "Asset Recovery Team: cases beyond the collection buckets, field "
    "visits, legal notices",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "Accounting/Accounting",
    "author": "Odoo Collections",
    "website": "https://github.com/odoo-collections/odoo-collections",
    "depends": ["collections_dunning"],
    "data": [
        "security/collections_art_security.xml",
        "data/helpdesk_data.xml",
    ],
    "installable": True,
}
