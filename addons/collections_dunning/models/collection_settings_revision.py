from odoo import api, models

REVISION_PARAM = "collections_dunning.settings_revision"


class CollectionSettingsRevision(models.AbstractModel):
    """Settings the daily run keeps dates from: policies, their levels and
    reminder steps, ownership rules. Any change to one of them (create, write,
    delete) raises one revision number, which the run log keeps: a run whose
    previous run saw another revision looks at every customer again, since the
    reminder dates and levels the cases keep may be stale (issue 13,
    ``engine/quiet.py``)."""

    _name = "collection.settings.revision"
    _description = "Collection Settings Revision"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._collection_bump_settings_revision()
        return records

    def write(self, vals):
        result = super().write(vals)
        self._collection_bump_settings_revision()
        return result

    def unlink(self):
        result = super().unlink()
        self._collection_bump_settings_revision()
        return result

    @api.model
    def _collection_bump_settings_revision(self):
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param(REVISION_PARAM, str(self._collection_settings_revision() + 1))

    @api.model
    def _collection_settings_revision(self):
        """The revision of the collection settings now."""
        value = self.env["ir.config_parameter"].sudo().get_param(REVISION_PARAM, "0")
        return int(value) if str(value).isdigit() else 0
