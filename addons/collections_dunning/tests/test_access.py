from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestAccess(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.support_ticket = cls._create_ticket(name="WiFi drops", category_id=cls.category_wifi.id)
        cls.collection_ticket = cls._create_ticket(name="Card declined")
        cls._transfer(cls.collection_ticket)
        cls.tickets = cls.support_ticket | cls.collection_ticket

    def _visible(self, user):
        return self.env["helpdesk.ticket"].with_user(user).search([("id", "in", self.tickets.ids)])

    def test_groups_are_nested(self):
        self.assertTrue(self.manager.has_group("collections_dunning.group_collection_agent"))
        self.assertTrue(self.manager.has_group("helpdesk_mgmt.group_helpdesk_manager"))
        self.assertTrue(self.agent_1.has_group("helpdesk_mgmt.group_helpdesk_user_team"))
        self.assertFalse(self.agent_1.has_group("helpdesk_mgmt.group_helpdesk_user"))

    def test_support_agent_sees_all_tickets(self):
        self.assertEqual(self._visible(self.support_user), self.tickets)

    def test_support_team_agent_does_not_see_collection_tickets(self):
        self.assertEqual(self._visible(self.support_team_user), self.support_ticket)

    def test_agent_sees_only_own_team_tickets(self):
        self.assertEqual(self._visible(self.agent_1), self.collection_ticket)
        with self.assertRaises(AccessError):
            self.support_ticket.with_user(self.agent_1).read(["name"])

    def test_agent_outside_collections_team_sees_nothing(self):
        self.team_collections.user_ids -= self.agent_2
        self.assertFalse(self._visible(self.agent_2))

    def test_manager_sees_everything_and_configures(self):
        self.assertEqual(self._visible(self.manager), self.tickets)
        self.team_collections.with_user(self.manager).collection_assign_method = "round_robin"
        self.category_wifi.with_user(self.manager).collection_eligible = True
        self.assertTrue(self.category_wifi.collection_eligible)

    def test_agent_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.team_collections.with_user(self.agent_1).collection_assign_method = "manual"
        with self.assertRaises(AccessError):
            self.category_wifi.with_user(self.agent_1).collection_eligible = True

    def test_portal_user_sees_nothing_of_collections(self):
        visible = self._visible(self.portal_user)
        self.assertEqual(visible, self.support_ticket)
        with self.assertRaises(AccessError):
            self.collection_ticket.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["collection.transfer.wizard"].with_user(self.portal_user).create(
                {"ticket_id": self.support_ticket.id, "reason": "x"}
            )

    def test_portal_user_loses_ticket_once_transferred(self):
        ticket = self._create_ticket(name="Gateway timeout")
        self.assertTrue(ticket.with_user(self.portal_user).has_access("read"))
        self._transfer(ticket)
        self.assertFalse(ticket.with_user(self.portal_user).has_access("read"))

    def test_transfer_wizard_access(self):
        wizard_model = self.env["collection.transfer.wizard"]
        for user in (self.support_user, self.support_team_user, self.agent_1, self.manager):
            self.assertTrue(wizard_model.with_user(user).has_access("create"))
