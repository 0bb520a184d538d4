"""Build each add-on's README.rst from its readme/*.md fragments (OCA layout).

Usage: python scripts/gen_readme.py [--check]
With --check, exit 1 when a README.rst is missing or out of date.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage")]


def md_to_rst(text):
    """The fragments use a small Markdown subset; translate its inline code."""
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text.strip())


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = ["=" * len(title), title, "=" * len(title), "", manifest["summary"], ""]
    parts += [f"License: {manifest['license']}. Odoo {manifest['version'][:4]}.", ""]
    for filename, heading in SECTIONS:
        fragment = addon / "readme" / filename
        if not fragment.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts += [md_to_rst(fragment.read_text()), ""]
    return "\n".join(parts)


def main():
    check = "--check" in sys.argv
    stale = []
    for manifest in sorted(ROOT.glob("addons/*/__manifest__.py")):
        addon = manifest.parent
        target = addon / "README.rst"
        content = render(addon)
        if target.exists() and target.read_text() == content:
            continue
        if check:
            stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(content)
    if stale:
        sys.exit("README.rst out of date (run make readme): " + ", ".join(stale))


if __name__ == "__main__":
    main()
