"""Repository-wide pytest hooks: what `make test` collects, and when a skip is a failure."""

import re

# Tests of Odoo's `account` that fail on the Odoo 19.0 copy this project is
# built against with none of our add-ons installed; they say nothing about us.
KNOWN_UPSTREAM_FAILURES = {
    (
        "TestAccountMoveOutInvoiceOnchanges",
        "test_narration_preserved_when_use_invoice_terms_disabled",
    ),
    ("TestAccountMoveOutInvoiceOnchanges", "test_narration_translation_on_partner_language_change"),
    ("TestAccountMoveOutInvoiceOnchanges", "test_post_valid_invoices_when_auto_post"),
}

# A skip with one of these reasons means a browser test did not run.
BROWSER_SKIP = re.compile(r"chrom|websocket|browser|odoo-http|devtools", re.IGNORECASE)

_bad_skips = []


def _is_web_suite(cls):
    return cls.__name__ == "WebSuite" and cls.__module__ == "odoo.addons.web.tests.test_js"


def _is_borrowed_web_suite_test(item):
    """Odoo's WebSuite tests only run under Odoo's own runner, which hands them
    their ``_test_params``. helpdesk_mgmt's JS test imports WebSuite (so pytest
    collects it) and subclasses it (so its methods come along): keep only the
    methods the subclass itself defines.
    """
    cls = getattr(item, "cls", None)
    if cls is None or not any(_is_web_suite(base) for base in cls.__mro__):
        return False
    return _is_web_suite(cls) or item.originalname not in vars(cls)


def _is_known_upstream_failure(item):
    cls = getattr(item, "cls", None)
    return cls is not None and (cls.__name__, item.originalname) in KNOWN_UPSTREAM_FAILURES


def pytest_collection_modifyitems(config, items):
    dropped = [
        item
        for item in items
        if _is_borrowed_web_suite_test(item) or _is_known_upstream_failure(item)
    ]
    if dropped:
        items[:] = [item for item in items if item not in dropped]
        config.hook.pytest_deselected(items=dropped)


def pytest_runtest_logreport(report):
    """Our own tests never skip, and no browser test may skip: Odoo skips a tour
    silently when Chromium or websocket-client is missing."""
    if not report.skipped:
        return
    path = report.location[0]
    ours = path.startswith(("addons/", "tests/"))
    if ours or BROWSER_SKIP.search(str(report.longrepr)):
        _bad_skips.append(f"{report.nodeid}: {report.longrepr}")


def pytest_terminal_summary(terminalreporter):
    if _bad_skips:
        terminalreporter.section("skipped tests that must run")
        for line in _bad_skips:
            terminalreporter.line(line)


def pytest_sessionfinish(session, exitstatus):
    if _bad_skips and session.exitstatus == 0:
        session.exitstatus = 1
