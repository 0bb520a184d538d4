from odoo import api, models
from odoo.exceptions import UserError


class CollectionActionGuard(models.AbstractModel):
    """Fields only a model's own actions write: states, deciders, run results.

    A model lists them in ``_collection_action_fields`` and says what a new
    record starts with in ``_collection_initial_values()``. ``create()`` puts
    the initial values over whatever the caller sent; ``write()`` refuses the
    guarded fields; the model's actions and the daily run, after their own
    checks (group, four eyes, state), write them through
    ``_collection_action_write()``, as superuser. No RPC caller runs as
    superuser and a context key could be sent by any client, so this is the
    one way past the guard (``hr.leave`` skips its approval check the same way).
    """

    _name = "collection.action.guard"
    _description = "Fields Only Actions Write"

    # Fields that move only through the model's actions (and the daily run).
    _collection_action_fields = ()

    def _collection_initial_values(self):
        """What every new record starts with, whatever the caller sent."""
        return {}

    def _collection_locked_fields(self):
        """Fields of this record a plain ``write()`` may not change; a model
        adds more for some states (e.g. the terms of a running plan)."""
        self.ensure_one()
        return set(self._collection_action_fields)

    @api.model_create_multi
    def create(self, vals_list):
        initial = self._collection_initial_values()
        return super().create([{**vals, **initial} for vals in vals_list])

    def write(self, vals):
        self._check_action_fields(vals)
        return super().write(vals)

    def _check_action_fields(self, vals):
        """Rule: a state, a decider or a result of the run is never edited, only
        moved by an action; whoever calls write() (a form, an RPC client) is
        refused, so the record tells what its actions did and nothing else."""
        if self.env.su or not vals:
            return
        for record in self:
            locked = record._collection_locked_fields() & set(vals)
            if locked:
                labels = ", ".join(
                    sorted(record._fields[name]._description_string(self.env) for name in locked)
                )
                raise UserError(
                    self.env._(
                        "%(fields)s of %(record)s cannot be edited: they change only "
                        "through the record's buttons.",
                        fields=labels,
                        record=record.display_name or record._description,
                    )
                )

    def _collection_action_write(self, vals):
        """Write guarded fields from an action, once its own checks passed. The
        caller still needs the right to write the record (access rights and
        record rules); only the guard is lifted."""
        self.check_access("write")
        return self.sudo().write(vals)
