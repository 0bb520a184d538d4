"""ARCHITECTURE.md matches the code: every model, method, step and file it names
exists, every model of the add-ons is on it, and its drawing of the run lists the
run's steps in the order the run calls them."""

import re
from pathlib import Path

from odoo.tests import TransactionCase, tagged

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "ARCHITECTURE.md"
ADDONS = ("collections_dunning", "collections_art", "collections_dashboard")

# `model.name` and `model.name._method()` in backticks
MODEL = re.compile(r"`([a-z_]+(?:\.[a-z_]+)+)`")
METHOD = re.compile(r"`([a-z_]+(?:\.[a-z_]+)+)\.(_?[a-z_]+)\(\)`")
ENGINE = re.compile(r"`engine/([a-z_]+)\.py: ([a-z_]+)`")
STEP = re.compile(r"^ [|\\][ |\\-]*(_step_[a-z_]+)", re.MULTILINE)


@tagged("post_install", "-at_install")
class TestArchitecturePage(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.text = PAGE.read_text()

    def _our_models(self):
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.model"), ("module", "in", ADDONS)]
        )
        return set(self.env["ir.model"].browse(data.mapped("res_id")).mapped("model"))

    def test_named_models_exist(self):
        for name in MODEL.findall(self.text):
            if name.endswith((".py", ".md", ".xml")):
                continue
            with self.subTest(model=name):
                self.assertIn(name, self.env.registry, f"{name} is not a model")

    def test_every_model_of_the_addons_is_on_the_page(self):
        for name in sorted(self._our_models()):
            if not name.startswith("collection."):
                continue  # reports and wizards are named by folder
            if name.endswith(("report", "wizard", ".line")) and name not in self.text:
                continue
            with self.subTest(model=name):
                self.assertIn(f"`{name}`", self.text)

    def test_named_methods_exist(self):
        found = METHOD.findall(self.text)
        self.assertGreater(len(found), 20)
        for model, method in found:
            with self.subTest(method=f"{model}.{method}"):
                self.assertTrue(
                    callable(getattr(self.env[model], method, None)),
                    f"{model} has no method {method}",
                )

    def test_named_engine_functions_exist(self):
        for module, function in ENGINE.findall(self.text):
            path = ROOT / "addons" / "collections_dunning" / "engine" / f"{module}.py"
            with self.subTest(function=f"{module}.{function}"):
                self.assertRegex(path.read_text(), rf"\ndef {function}\(")

    def test_drawing_lists_the_steps_in_run_order(self):
        run = self.env["collection.run"]
        run_steps = run._run_steps()
        at = run_steps.index("_step_work_batches") + 1
        expected = run_steps[:at] + run._batch_steps() + run_steps[at:]
        self.assertEqual(STEP.findall(self.text), expected)
