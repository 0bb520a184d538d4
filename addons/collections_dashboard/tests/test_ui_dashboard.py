from odoo.tests import HttpCase, new_test_user, tagged


class DashboardTourMixin:
    """A collections manager opens the Collections dashboard."""

    def test_manager_opens_the_collections_dashboard(self):
        manager = new_test_user(
            self.env,
            login="coll-dash-tour-manager",
            groups="collections_dunning.group_collection_manager",
        )
        dashboard = self.env.ref("collections_dashboard.spreadsheet_dashboard_collections")
        self.start_tour(
            f"/odoo/dashboards?dashboard_id={dashboard.id}",
            "collections_dashboard_manager",
            login=manager.login,
        )


@tagged("post_install", "-at_install")
class TestDashboardTourDesktop(DashboardTourMixin, HttpCase):
    pass


@tagged("post_install", "-at_install")
class TestDashboardTourPhone(DashboardTourMixin, HttpCase):
    browser_size = "375x667"
    touch_enabled = True
