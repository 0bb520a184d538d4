"""Repository-wide pytest hooks."""


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


def pytest_collection_modifyitems(config, items):
    dropped = [item for item in items if _is_borrowed_web_suite_test(item)]
    if dropped:
        items[:] = [item for item in items if item not in dropped]
        config.hook.pytest_deselected(items=dropped)
