from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


class CollectionsManagerTourMixin:
    """A collections manager approves a waiver another manager asked for, then
    opens every Collections report. The same tour runs on a desktop and a phone."""

    def _make_overdue_case(self):
        env = self.env
        today = fields.Date.today()
        env.company.collection_waiver_threshold = 100.0
        self.requester = new_test_user(
            env,
            login="coll-tour-mgr-requester",
            name="Rita Requester",
            groups="collections_dunning.group_collection_manager",
        )
        self.approver = new_test_user(
            env,
            login="coll-tour-mgr-approver",
            name="Arjun Approver",
            groups="collections_dunning.group_collection_manager",
        )
        policy = env["collection.policy"].create(
            {
                "name": "Tour lending policy",
                "paid_stage_id": env.ref("collections_dunning.helpdesk_stage_paid").id,
                "level_ids": [
                    Command.create(
                        {
                            "code": "L2",
                            "name": "Agent follow-up",
                            "dpd_from": 1,
                            "stage_id": env.ref("collections_dunning.helpdesk_stage_l2").id,
                        }
                    )
                ],
                "penal_rate": 2.0,
                "penal_period": "month",
                "penal_grace_days": 5,
            }
        )
        customer = env["res.partner"].create(
            {"name": "Tour Household 42", "collection_policy_id": policy.id}
        )
        due = today - timedelta(days=35)
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": due,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Purifier rental",
                            "quantity": 1,
                            "price_unit": 10000.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        # Two daily runs a week apart: the case opens, accrues penal charges for
        # the 30 days past the grace period, and the roll-rate report has two days.
        env["collection.run"]._run(today - timedelta(days=7))
        env["collection.run"]._run(today)
        case = env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", customer.id)]
        )
        self.assertEqual(len(case), 1)
        self.assertEqual(case.penal_balance, 200.0)
        return case

    def test_manager_approves_waiver_and_opens_reports(self):
        case = self._make_overdue_case()
        waiver = (
            self.env["collection.penal.waiver"]
            .with_user(self.requester)
            .create({"ticket_id": case.id, "amount": 150.0, "reason": "Hospitalised in May"})
        )
        self.assertEqual(waiver.state, "to_approve", "above the threshold: four eyes")
        balance_before = case.penal_balance

        self.start_tour(
            "/odoo/helpdesk-dashboard", "collections_dunning_manager", login=self.approver.login
        )

        self.assertEqual(waiver.state, "approved")
        self.assertEqual(waiver.requested_by_id, self.requester)
        self.assertEqual(waiver.approved_by_id, self.approver)
        self.assertEqual(case.penal_balance, balance_before - waiver.amount)
        self.assertEqual(case.penal_waived, waiver.amount)


@tagged("post_install", "-at_install")
class TestCollectionsManagerTourDesktop(CollectionsManagerTourMixin, HttpCase):
    pass


@tagged("post_install", "-at_install")
class TestCollectionsManagerTourPhone(CollectionsManagerTourMixin, HttpCase):
    browser_size = "375x667"
    touch_enabled = True
