from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCommon

DUE = date(2026, 1, 31)


def day(n, hour=10):
    return datetime.combine(DUE + timedelta(days=n), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestPaymentCompleted(CollectionsCommon):
    """Issue 12: "Payment Completed" is the customer's word, checked against
    accounting before the case closes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"phone": "+91 80 4000 1234", "country_id": cls.env.ref("base.in").id})
        with freeze_time(DUE):
            cls.invoice_1 = cls._create_invoice(cls.customer, DUE, 1200.0)
            cls.invoice_2 = cls._create_invoice(cls.customer, DUE, 300.0)

    def _case(self):
        with freeze_time(day(1)):
            self.env["collection.policy"]._cron_run()
        return self.env["helpdesk.ticket"].search(
            [("collection_case", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _log_completed(self, case, n=2):
        d = "collections_dunning.disposition_contacted"
        with freeze_time(day(n)):
            return (
                self.env["collection.interaction"]
                .with_user(self.agent_1)
                .create(
                    {
                        "ticket_id": case.id,
                        "status_id": self.env.ref(d).id,
                        "reason_id": self.env.ref(f"{d}_paid").id,
                        "resolution_id": self.env.ref(f"{d}_paid_completed").id,
                        "note": "Says he paid everything yesterday.",
                    }
                )
            )

    def _agent_notifications(self):
        """What the agent's browser is sent (the bus writes it when the
        transaction commits, which a test never does)."""
        self.env.cr.precommit.run()
        return self.env["bus.bus"].search(
            [("message", "like", "simple_notification"), ("message", "like", "stays open")]
        )

    def test_payment_completed_with_nothing_overdue_closes_the_case(self):
        case = self._case()
        with freeze_time(day(2)):
            self._pay(self.invoice_1 | self.invoice_2, date=DUE + timedelta(days=2))
        interaction = self._log_completed(case)
        self.assertTrue(interaction.exists())
        self.assertEqual(case.stage_id, self.env.ref("collections_dunning.helpdesk_stage_paid"))
        self.assertEqual(case.amount_overdue, 0.0)

    def test_payment_completed_with_open_invoices_keeps_the_case_open(self):
        case = self._case()
        with freeze_time(day(2)):
            self._pay(self.invoice_1, amount=1000.0, date=DUE + timedelta(days=2))
        interaction = self._log_completed(case)
        self.assertTrue(interaction.exists(), "the customer's word stays on record")
        self.assertFalse(case.stage_id.closed)
        note = self._notes(case)[0]
        self.assertIn("Payment not confirmed by accounting", note)
        self.assertIn(self.invoice_1.name, note)
        self.assertIn("200.00", note)
        self.assertIn(self.invoice_2.name, note)
        self.assertIn("300.00", note)
        notification = self._agent_notifications()
        self.assertEqual(len(notification), 1, "the agent is told at once")
        self.assertIn(self.invoice_2.name, notification.message)
        self.assertIn(str(self.agent_1.partner_id.id), notification.channel)
        # The rest is paid: the same disposition now closes the case.
        with freeze_time(day(3)):
            self._pay(self.invoice_1 | self.invoice_2, date=DUE + timedelta(days=3))
        self._log_completed(case, n=3)
        self.assertTrue(case.stage_id.closed)
