"""Numeric settings kept within the bounds a real collections team accepts."""

from odoo.exceptions import ValidationError


def check_bounds(records, bounds):
    """Refuse, in the user's words, a record whose field is outside its bounds.

    ``bounds`` maps a field name to (lowest, highest) allowed value: whatever the
    caller sends (a form, an import, RPC), a zero cap or a negative fee would
    otherwise switch a rule off without anyone noticing.
    """
    for record in records:
        for name, (low, high) in bounds.items():
            if not low <= record[name] <= high:
                raise ValidationError(
                    record.env._(
                        "%(setting)s must be between %(low)s and %(high)s (now %(value)s).",
                        setting=record._fields[name]._description_string(record.env),
                        low=low,
                        high=high,
                        value=record[name],
                    )
                )
