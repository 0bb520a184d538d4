from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


class AgentDayMixin:
    """A collection agent works a case the daily run opened from an invoice
    that carries no Purifier ID (a lending customer), in the browser."""

    def test_agent_logs_contact_plans_and_sends_link(self):
        env = self.env
        today = fields.Date.context_today(env.user)
        agent = new_test_user(
            env,
            login="coll-tour-agent",
            groups="collections_dunning.group_collection_agent",
        )
        # the tour runs at any hour of the real clock: this company calls around it
        env.company.write({"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0})
        team = env.ref("collections_dunning.helpdesk_team_collections")
        team.user_ids = [Command.set(agent.ids)]
        customer = env["res.partner"].create(
            {
                "name": "Lending Household 42",
                "email": "h42@example.com",
                "phone": "+91 80 4000 4242",
            }
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=3),
                "invoice_date_due": today - timedelta(days=3),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Loan instalment",
                            "quantity": 1,
                            "price_unit": 1200.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        env["collection.run"]._run(today)
        case = env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", customer.id)]
        )
        self.assertEqual(len(case), 1, "the daily run opened the case")
        self.assertFalse(case.purifier_id, "the invoice carries no Purifier ID")
        self.assertEqual(case.user_id, agent)
        self.assertEqual((case.partner_name, case.partner_email), (customer.name, customer.email))

        self.start_tour(
            "/odoo/action-collections_dunning.helpdesk_ticket_action_cases",
            "collections_dunning_agent",
            login=agent.login,
        )

        interaction = case.interaction_ids
        self.assertEqual(len(interaction), 1)
        self.assertEqual(
            (interaction.status_id, interaction.reason_id, interaction.resolution_id),
            (
                env.ref("collections_dunning.disposition_contacted"),
                env.ref("collections_dunning.disposition_contacted_ptp"),
                env.ref("collections_dunning.disposition_contacted_ptp_scheduled"),
            ),
        )
        self.assertEqual(interaction.user_id, agent)
        self.assertEqual(case.promise_ids.amount, 400.0)
        self.assertEqual(case.promise_ids.date, today + timedelta(days=5))
        self.assertTrue(case.first_contact_date)
        plan = case.payment_plan_ids
        self.assertEqual(plan.state, "active")
        self.assertEqual(len(plan.line_ids), 3)
        self.assertEqual(sum(plan.line_ids.mapped("amount")), 1200.0)
        link = case.message_ids.filtered(
            lambda message: "pay your overdue invoices online" in (message.body or "")
        )
        self.assertEqual(len(link), 1)
        self.assertIn(invoice.name, link.body)
        self.assertIn(customer, link.partner_ids)


@tagged("post_install", "-at_install")
class TestAgentTourDesktop(AgentDayMixin, HttpCase):
    pass


@tagged("post_install", "-at_install")
class TestAgentTourPhone(AgentDayMixin, HttpCase):
    browser_size = "375x667"
    touch_enabled = True
