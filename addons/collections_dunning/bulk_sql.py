"""Bulk SQL of the set-based batch work: one statement for many rows.

Every helper flushes the ORM before its statement, so a value still pending in
the ORM is written first and cannot overwrite the statement's result later, and
invalidates the cache of what it wrote afterwards (without flushing again), so
the next read sees the database.
"""

from odoo.tools import SQL


def _flush(env):
    """Write every pending ORM value before the statement runs."""
    env.flush_all()


def _invalidate(model, field_names):
    """Forget the cached values of ``field_names`` of ``model`` and of every field
    computed from them (or holding their other side), without flushing: the
    statement's values are the database's now."""
    env = model.env
    registry = model.pool
    for name in field_names:
        field = model._fields[name]
        model.invalidate_model([name], flush=False)
        related = list(registry.get_dependent_fields(field)) + list(registry.field_inverses[field])
        for other in related:
            env[other.model_name].invalidate_model([other.name], flush=False)


def update_rows(model, values, *, none_keeps=True):
    """Per-record values ``{id: {field: value}}`` of ``model`` in one UPDATE.

    With ``none_keeps`` a None value keeps the stored one, else it writes NULL.
    Rows whose values do not change are left untouched.
    """
    if not values:
        return
    used = sorted({name for vals in values.values() for name in vals})
    # one array per column, unnested together: a few parameters for any number of rows
    columns = SQL(", ").join(
        [
            SQL("%s::int4[]", list(values)),
            *(
                SQL(
                    "%s::%s[]",
                    [vals.get(name) for vals in values.values()],
                    SQL(model._fields[name].column_type[1]),
                )
                for name in used
            ),
        ]
    )
    new = {
        name: (
            SQL("COALESCE(v.%s, t.%s)", SQL.identifier(name), SQL.identifier(name))
            if none_keeps
            else SQL("v.%s", SQL.identifier(name))
        )
        for name in used
    }
    _flush(model.env)
    model.env.cr.execute(
        SQL(
            "UPDATE %s AS t SET %s FROM unnest(%s) AS v(id, %s) "
            "WHERE t.id = v.id AND ROW(%s) IS DISTINCT FROM ROW(%s)",
            SQL.identifier(model._table),
            SQL(", ").join(SQL("%s = %s", SQL.identifier(name), new[name]) for name in used),
            columns,
            SQL(", ").join(SQL.identifier(name) for name in used),
            SQL(", ").join(SQL("t.%s", SQL.identifier(name)) for name in used),
            SQL(", ").join(new[name] for name in used),
        )
    )
    _invalidate(model, used)


def _relation(model, field_name):
    """The relation table of the many2many ``field_name`` of ``model`` and its
    two columns (this side's, the other side's), as SQL identifiers."""
    field = model._fields[field_name]
    return (
        SQL.identifier(field.relation),
        SQL.identifier(field.column1),
        SQL.identifier(field.column2),
    )


def replace_many2many(model, field_name, values):
    """Set the many2many ``field_name`` of the records ``{id: [ids]}`` of ``model``
    to exactly these ids, in two statements."""
    if not values:
        return
    table, mine, theirs = _relation(model, field_name)
    record_ids = list(values)
    pairs = [(record_id, other_id) for record_id in record_ids for other_id in values[record_id]]
    _flush(model.env)
    model.env.cr.execute(SQL("DELETE FROM %s WHERE %s = ANY(%s)", table, mine, record_ids))
    if pairs:
        model.env.cr.execute(
            SQL(
                "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[])",
                table,
                mine,
                theirs,
                [pair[0] for pair in pairs],
                [pair[1] for pair in pairs],
            )
        )
    _invalidate(model, [field_name])


def many2many_ids(model, field_name, ids):
    """The stored ids of the many2many ``field_name`` of the records ``ids`` of
    ``model``, ``{id: (other id, ...)}`` (records with none are left out), in one
    grouped query on the relation table. Reading the field for tens of thousands
    of records costs more: the ORM reads it a prefetch batch at a time, each
    joined to the other side and sorted by its order. What the relation table
    holds: no access rule and no archive filter of the other side applies."""
    if not ids:
        return {}
    table, mine, theirs = _relation(model, field_name)
    _flush(model.env)
    model.env.cr.execute(
        SQL(
            "SELECT %s, array_agg(%s) FROM %s WHERE %s = ANY(%s) GROUP BY %s",
            mine,
            theirs,
            table,
            mine,
            list(ids),
            mine,
        )
    )
    return {record_id: tuple(other_ids) for record_id, other_ids in model.env.cr.fetchall()}


def reserve_numbers(env, code, count):
    """``count`` numbers of the sequence ``code`` in one query (one call per number
    when the sequence has gaps disallowed, as Odoo's own ``next_by_code`` does)."""
    Sequence = env["ir.sequence"].sudo()
    sequence = Sequence.search([("code", "=", code)], limit=1)
    if not sequence or sequence.implementation != "standard" or not count:
        return [Sequence.next_by_code(code) or "/" for _ in range(count)]
    _flush(env)
    env.cr.execute(
        SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            f"ir_sequence_{sequence.id:03d}",
            count,
        )
    )
    # Fetch before anything else runs a query on this cursor.
    reserved = [number for (number,) in env.cr.fetchall()]
    sequence.invalidate_recordset(["number_next_actual"], flush=False)
    prefix, suffix = sequence._get_prefix_suffix()
    return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for number in reserved]
