import base64
import json

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCollectionsDashboard(TransactionCase):
    """The Collections spreadsheet dashboard loads for managers only, and every
    pivot and chart in it reads fields that exist, with data a manager may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("collections_dashboard.spreadsheet_dashboard_collections")
        cls.manager = new_test_user(
            cls.env,
            login="coll-dash-manager",
            groups="collections_dunning.group_collection_manager",
        )
        cls.agent = new_test_user(
            cls.env, login="coll-dash-agent", groups="collections_dunning.group_collection_agent"
        )
        cls.data = json.loads(base64.b64decode(cls.dashboard.spreadsheet_binary_data))

    def _sources(self):
        """(model, field names read, measures) of each pivot and chart."""
        for pivot in self.data["pivots"].values():
            fields = [g["fieldName"] for g in pivot["rows"] + pivot["columns"]]
            measures = [m["fieldName"] for m in pivot["measures"]]
            yield pivot["model"], fields, measures
        for sheet in self.data["sheets"]:
            for figure in sheet["figures"]:
                meta = figure["data"].get("metaData")
                if meta:
                    fields = [g.split(":")[0] for g in meta["groupBy"]]
                    yield meta["resModel"], fields, [meta["measure"]]

    def test_every_source_reads_existing_fields(self):
        sources = list(self._sources())
        self.assertGreaterEqual(len(sources), 9)
        for model, fields, measures in sources:
            with self.subTest(model=model):
                self.assertIn(model, self.env)
                for name in fields + [m for m in measures if m != "__count"]:
                    self.assertIn(name, self.env[model]._fields, f"{model}.{name}")
                for name in fields:
                    self.assertTrue(self.env[model]._fields[name].store, f"{model}.{name}")

    def test_every_source_loads_for_a_manager(self):
        for model, fields, measures in self._sources():
            with self.subTest(model=model):
                records = self.env[model].with_user(self.manager)
                groupby = [
                    f"{name}:month" if records._fields[name].type in ("date", "datetime") else name
                    for name in fields[:1]
                ]
                aggregates = [m if m == "__count" else f"{m}:sum" for m in measures]
                records.formatted_read_group([], groupby, aggregates)

    def test_dashboard_is_for_managers(self):
        manager_view = self.dashboard.with_user(self.manager)
        self.assertTrue(manager_view.has_access("read"))
        self.assertEqual(manager_view.name, "Collections")
        self.assertTrue(manager_view.dashboard_group_id)
        with self.assertRaises(AccessError):
            self.dashboard.with_user(self.agent).check_access("read")
        with self.assertRaises(AccessError):
            self.env["collection.roll.rate.report"].with_user(self.agent).search([])

    def test_roll_rates_read_the_snapshots(self):
        self.assertIn("collection.roll.rate.report", {m for m, _f, _m in self._sources()})
        rolls = self.env["collection.roll.rate.report"].with_user(self.manager).search([])
        self.assertFalse(rolls.filtered(lambda r: r.bucket_from == "Paid"))
