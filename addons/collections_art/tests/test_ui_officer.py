from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.common import MockSmtplibCase

PURIFIER = "PUR-000777"


class ArtOfficerFlowMixin:
    """An Asset Recovery officer's main flow, clicked through in the browser: a
    case handed over by the daily collection run is validated, visited with a
    check-in, a photo and an outcome, then sent a legal notice."""

    def _handed_over_case(self):
        env = self.env
        self.officer = new_test_user(
            env,
            login="art-officer-flow",
            name="Asha Officer",
            groups="collections_art.group_art_officer",
        )
        team = env.ref("collections_art.helpdesk_team_art")
        team.user_ids = [Command.set(self.officer.ids)]
        self.assertEqual(env.company.art_team_id, team)
        self.customer = env["res.partner"].create(
            {
                "name": "Household 88",
                "street": "88 Temple Street",
                "city": "Bengaluru",
                "zip": "560001",
                "country_id": env.ref("base.in").id,
                "phone": "+91 80 4000 8888",
                "email": "h88@example.com",
            }
        )
        due = fields.Date.today() - timedelta(days=70)
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": due,
                "invoice_date_due": due,
                "purifier_id": PURIFIER,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Purifier rental",
                            "quantity": 1,
                            "price_unit": 2400.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        # The daily run opens the collection case at L3 (61+ days past due),
        # which escalates it to the Asset Recovery Team.
        env["collection.policy"]._cron_run()
        case = env["helpdesk.ticket"].search(
            [("is_art_case", "=", True), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(case), 1)
        self.assertTrue(case.art_source_ticket_id.collection_case)
        self.assertEqual(case.stage_id, env.ref("collections_art.stage_received"))
        self.assertEqual(case.user_id, self.officer)
        self.assertEqual(case.purifier_id, PURIFIER)
        return case

    def test_officer_main_flow(self):
        # the tour runs at any hour of the real clock: this company calls around it
        self.env.company.write(
            {"collection_contact_hour_from": 0.0, "collection_contact_hour_to": 24.0}
        )
        case = self._handed_over_case()
        self.start_tour("/odoo", "collections_art_officer", login=self.officer.login)

        case.invalidate_recordset()
        # 1. validated by the officer; the recovery notification is queued by
        # email and handed to the officer for WhatsApp (no gateway): the case
        # reads notified once one of them goes out
        self.assertEqual(case.art_validated_by_id, self.officer)
        self.assertTrue(case.art_validated_date)
        self.assertFalse(case.art_notified_date)
        self.assertEqual(case.art_notification_mail_id.state, "outgoing")
        todo = case.art_notification_activity_id
        self.assertEqual(todo.user_id, self.officer)
        todo.with_user(self.officer).action_feedback("Sent from the field phone")
        self.assertTrue(case.art_notified_date)
        # 2. one visit, done, checked in, with its outcome and one photo
        visit = case.art_visit_ids
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.officer_id, self.officer)
        self.assertTrue(visit.checkin_date)
        self.assertEqual(case.art_first_visit_date, visit.checkin_date)
        self.assertEqual(visit.outcome, "met_promised")
        self.assertEqual(len(visit.photo_ids), 1)
        self.assertEqual(visit.photo_ids.name, "door.png")
        self.assertEqual(visit.photo_ids.mimetype, "image/png")
        # 3. a legal notice issued, its email queued; once the mail queue sent it,
        # waiting for an answer for the configured 15 days
        notice = case.art_notice_ids
        self.assertEqual(len(notice), 1)
        self.assertEqual((notice.state, notice.email_state), ("issued", "queued"))
        with self.mock_smtplib_connection():  # Odoo's mail queue, through a stand-in SMTP server
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual((notice.state, notice.email_state), ("sent", "sent"))
        self.assertEqual(self.env.company.art_notice_days, 15)
        self.assertEqual(
            notice.response_deadline,
            fields.Date.context_today(notice.with_user(self.officer), notice.sent_date)
            + timedelta(days=15),
        )
        self.assertEqual(notice.attachment_id.mimetype, "application/pdf")
        self.assertEqual(case.stage_id, self.env.ref("collections_art.stage_legal"))


@tagged("post_install", "-at_install")
class TestArtOfficerTourDesktop(ArtOfficerFlowMixin, MockSmtplibCase, HttpCase):
    pass


@tagged("post_install", "-at_install")
class TestArtOfficerTourPhone(ArtOfficerFlowMixin, MockSmtplibCase, HttpCase):
    browser_size = "375x667"
    touch_enabled = True
