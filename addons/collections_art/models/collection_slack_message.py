from datetime import timedelta

from slack_sdk.errors import SlackRequestError
from slack_sdk.webhook import WebhookClient

from odoo import api, fields, models
from odoo.tools import SQL, format_amount

from odoo.addons.collections_dunning.channel_client import redact

# Slack answers these when trying again later may work (rate limit, outage).
RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
MAX_ATTEMPTS = 8


class CollectionSlackMessage(models.Model):
    """An urgent case posted to the Asset Recovery Slack channel.

    Exactly once: a message is queued in the transaction that decides it (so a
    rollback posts nothing), claimed and committed before the post, and posted
    by the queue's cron; a failure waits for its next attempt with a growing
    delay, and a message left claimed by a stopped worker reads ``unknown``
    instead of being posted twice (Slack's webhooks have no idempotency key).
    """

    _name = "collection.slack.message"
    _inherit = ["collection.action.guard"]
    _description = "Asset Recovery Slack Message"
    # Only the queue (as superuser) says what became of a post.
    _collection_action_fields = (
        "ticket_id",
        "text",
        "state",
        "attempts",
        "next_attempt",
        "claimed_date",
        "last_error",
        "sent_date",
    )
    _order = "id desc"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", ondelete="cascade", index=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True)
    text = fields.Text(required=True, readonly=True)
    state = fields.Selection(
        selection=[
            ("pending", "Pending"),
            ("sending", "Sending"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("unknown", "Unknown"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(default=fields.Datetime.now, readonly=True, index=True)
    claimed_date = fields.Datetime(readonly=True)
    last_error = fields.Char(readonly=True)
    sent_date = fields.Datetime(readonly=True)

    def _collection_initial_values(self):
        """Posts are queued by ``_enqueue`` (superuser); none is created already sent."""
        return {} if self.env.su else {"state": "pending", "sent_date": False, "attempts": 0}

    @api.model
    def _text_for(self, case):
        """The post: the team's user group mentioned (``<!subteam^ID>``, which
        notifies its members), the case, the customer, the amount and a link."""
        company = case.company_id
        group = (company.art_slack_usergroup_id or "").strip()
        return self.env._(
            "%(mention)s Urgent Asset Recovery case %(case)s: %(customer)s, %(amount)s "
            "overdue, %(dpd)s days past due. <%(url)s|Open the case>",
            mention=f"<!subteam^{group}>" if group else "",
            case=case.number,
            customer=case.partner_id.name,
            amount=format_amount(self.env, case.amount_overdue, case.company_currency_id),
            dpd=case.collection_dpd,
            url=f"{case.get_base_url()}/odoo/helpdesk.ticket/{case.id}",
        ).strip()

    @api.model
    def _enqueue(self, cases):
        """Queue one post per case, in the caller's transaction, and ask the
        queue's cron to run once it is committed. Cases of customers in a
        settlement are not posted (``collection.settlement._collection_in_settlement``)."""
        cases -= self.env["collection.settlement"]._collection_in_settlement(cases)
        messages = self.sudo().create(
            [
                {
                    "ticket_id": case.id,
                    "company_id": case.company_id.id,
                    "text": self._text_for(case),
                }
                for case in cases
            ]
        )
        if messages:
            self.env.ref("collections_art.ir_cron_art_slack")._trigger()
        return messages

    def _claim(self):
        """Take due messages once: rows another worker holds are passed over, and
        the claim is committed (in the cron) before anything is posted."""
        if not self:
            return self
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                UPDATE collection_slack_message
                   SET state = 'sending', claimed_date = %(now)s,
                       attempts = COALESCE(attempts, 0) + 1
                 WHERE id IN (SELECT id FROM collection_slack_message
                               WHERE id = ANY(%(ids)s) AND state = 'pending'
                                 AND next_attempt <= %(now)s
                                 FOR UPDATE SKIP LOCKED)
             RETURNING id
                """,
                now=now,
                ids=self.ids,
            )
        )
        claimed = self.browse(sorted(row[0] for row in self.env.cr.fetchall()))
        self.invalidate_recordset(["state", "claimed_date", "attempts"])
        self._commit()
        return claimed

    def _commit(self):
        if self.env.context.get("ir_cron_progress_id"):
            self.env["ir.cron"]._commit_progress()

    def _deliver(self):
        """Post the claimed messages; record each answer, committed one by one."""
        now = fields.Datetime.now()
        for message in self._claim():
            url = message.company_id.sudo().art_slack_webhook_url
            if not url:
                message._retry_later(self.env._("No Slack webhook URL configured."), now)
                continue
            try:
                response = WebhookClient(url, timeout=10).send(text=message.text)
                status, body = response.status_code, response.body
            except (OSError, SlackRequestError) as err:
                status, body = None, f"Slack unreachable: {type(err).__name__}"
            if status == 200:
                message.write({"state": "sent", "sent_date": now, "last_error": False})
            elif status is None or status in RETRYABLE_STATUS:
                error = body if status is None else f"Slack answered {status}: {body}"
                message._retry_later(redact(error, url)[:250], now)
            else:
                message.write(
                    {
                        "state": "failed",
                        "last_error": redact(f"Slack answered {status}: {body}", url)[:250],
                    }
                )
            self._commit()

    def _retry_later(self, error, now):
        """A failed post waits for its next attempt, 2, 4, 8... minutes later (at
        most 4 hours), and fails for good after MAX_ATTEMPTS."""
        self.ensure_one()
        if self.attempts >= MAX_ATTEMPTS:
            self.write({"state": "failed", "last_error": error})
            return
        self.write(
            {
                "state": "pending",
                "last_error": error,
                "next_attempt": now + timedelta(minutes=min(2**self.attempts, 240)),
            }
        )

    @api.model
    def _cron_deliver(self):
        """Every few minutes: settle messages a stopped worker left claimed, then
        post what is due."""
        stale = self.sudo().search(
            [
                ("state", "=", "sending"),
                ("claimed_date", "<", fields.Datetime.now() - timedelta(minutes=15)),
            ]
        )
        stale.write(
            {
                "state": "unknown",
                "last_error": self.env._(
                    "The worker stopped before Slack answered: check the channel before "
                    "posting again."
                ),
            }
        )
        due = self.sudo().search(
            [("state", "=", "pending"), ("next_attempt", "<=", fields.Datetime.now())]
        )
        due._deliver()
