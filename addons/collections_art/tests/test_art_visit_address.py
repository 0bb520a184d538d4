from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestArtVisitAddress(TransactionCase):
    """The visit shows the customer's address as text an officer can read."""

    def _visit(self, **address):
        partner = self.env["res.partner"].create({"name": "Household 5", **address})
        case = self.env["helpdesk.ticket"].create(
            {
                "name": "Asset recovery: Household 5",
                "description": "<p>61 days past due</p>",
                "team_id": self.env.ref("collections_art.helpdesk_team_art").id,
                "partner_id": partner.id,
            }
        )
        return self.env["collection.art.visit"].create({"ticket_id": case.id})

    def test_street_and_city_only(self):
        visit = self._visit(street="21 Lake Road", city="Bengaluru")
        self.assertEqual(visit.address, "21 Lake Road, Bengaluru")

    def test_no_address(self):
        self.assertFalse(self._visit().address)

    def test_missing_parts_leave_no_gaps(self):
        visit = self._visit(city="Austin", zip="78701", country_id=self.env.ref("base.us").id)
        self.assertEqual(visit.address, "Austin 78701, United States")
        visit.partner_id.write({"street": "5 Congress Ave", "city": False})
        self.assertEqual(visit.address, "5 Congress Ave, 78701, United States")
