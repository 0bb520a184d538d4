"""Build the web client's asset bundles once, committed, before the browser tours.

Each browser test class runs in a transaction that is rolled back, so without
this every tour class compiles the whole backend bundle again on its first page
(tens of seconds on a 2-core machine, while other requests wait on the test
cursor). Run with ``odoo-bin shell``: ``env`` is given.
"""

BUNDLES = ("web.assets_web", "web.assets_tests", "web.assets_frontend")

for name in BUNDLES:
    bundle = env["ir.qweb"]._get_asset_bundle(name)  # noqa: F821 - odoo shell's env
    bundle.js()
    bundle.css()
env.cr.commit()  # noqa: F821
print("asset bundles built:", ", ".join(BUNDLES))
