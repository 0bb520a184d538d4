"""The reminder templates' plain placeholders (``collection.ticket.placeholders``).

Templates installed before them wrote the amount overdue as a Python call, which
Odoo evaluates per recipient (QWeb compilation, ``safe_eval``). The shipped
templates are ``noupdate``: an upgrade leaves them as they were, so the
migrations rewrite these expressions in place, in every language, and leave the
rest of a template (its wording, as a company may have changed it) alone. Each
new expression renders exactly what the old one did."""

from odoo.tools import SQL

PLAIN = (
    (
        "format_amount(object.amount_overdue, object.company_currency_id)",
        "object.collection_amount_overdue_text",
    ),
    ("object.partner_id.name or ''", "object.partner_id.name"),
)


def _replaced(column):
    value = SQL("value")
    for old, new in PLAIN:
        value = SQL("replace(%s, %s, %s)", value, old, new)
    return SQL(
        "(SELECT jsonb_object_agg(key, %s) FROM jsonb_each_text(%s))", value, SQL.identifier(column)
    )


def use_plain_placeholders(cr, module, fields_by_xmlid):
    """Rewrite the old expressions of the templates ``{xmlid: (table, columns)}``
    of ``module`` that still exist, in every language of each translated column."""
    for name, (table, columns) in fields_by_xmlid.items():
        assignments = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(column), _replaced(column)) for column in columns
        )
        cr.execute(
            SQL(
                """
                UPDATE %(table)s SET %(assignments)s
                 WHERE id = (SELECT res_id FROM ir_model_data
                              WHERE module = %(module)s AND name = %(name)s)
                """,
                table=SQL.identifier(table),
                assignments=assignments,
                module=module,
                name=name,
            )
        )
