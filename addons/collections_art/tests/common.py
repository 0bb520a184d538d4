from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.collections_dunning.tests.common import CollectionsCommon

DUE = date(2026, 1, 1)


def at(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


class ArtCommon(CollectionsCommon):
    """A customer 61 days past due on DUE + 61, the ART team and its officers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_art = cls.env.ref("collections_art.helpdesk_team_art")
        cls.officer = new_test_user(
            cls.env, login="art-officer-1", groups="collections_art.group_art_officer"
        )
        cls.officer_2 = new_test_user(
            cls.env, login="art-officer-2", groups="collections_art.group_art_officer"
        )
        cls.art_manager = new_test_user(
            cls.env, login="art-manager", groups="collections_art.group_art_manager"
        )
        cls.team_art.write(
            {"user_ids": [Command.set([cls.officer.id])], "user_id": cls.art_manager.id}
        )
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time(DUE):
            cls.invoice = cls._create_invoice(cls.customer, DUE, 2400.0)
            cls.invoice.purifier_id = "PUR-000123"

    @classmethod
    def _hand_over_at_day_61(cls):
        """The daily run of day 61 (class setup): the customer's Asset Recovery case."""
        with freeze_time(at(61)):
            cls.env["collection.policy"]._cron_run()
        return cls.env["helpdesk.ticket"].search(
            [("is_art_case", "=", True), ("partner_id", "=", cls.customer.id)]
        )

    def _run(self, n, hour=10):
        with freeze_time(at(n, hour)):
            self.env["collection.policy"]._cron_run()

    def _art_case(self):
        return self.env["helpdesk.ticket"].search(
            [("is_art_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _validated_case(self):
        self._run(61)
        case = self._art_case()
        with freeze_time(at(61, 12)):
            case.with_user(self.officer).action_art_validate()
        return case

    def _visit(self, case, outcome, **values):
        visit = (
            self.env["collection.art.visit"]
            .with_user(self.officer)
            .create({"ticket_id": case.id, "outcome": outcome, **values})
        )
        visit.action_done()
        return visit

    def _send_notice(self, case, n=62):
        """The officer sends the legal notice on day ``n``; the mail queue sends
        its email the same minute (its response window starts then)."""
        with freeze_time(at(n)):
            case.with_user(self.officer).action_art_send_legal_notice()
            self._flush_outboxes()
        return case.art_notice_ids
