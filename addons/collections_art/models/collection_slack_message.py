import json
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.collections_dunning.channel_client import (
    ChannelDeliveryError,
    JsonChannelClient,
    redact,
)


class CollectionSlackMessage(models.Model):
    """An urgent case posted to the Asset Recovery Slack channel.

    Messages wait in this queue until Slack accepts them: a failed post is
    retried with a growing delay, and nothing is lost while Slack is down.
    """

    _name = "collection.slack.message"
    _description = "Asset Recovery Slack Message"
    _order = "id"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", ondelete="cascade", index=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True)
    payload = fields.Text(required=True)
    state = fields.Selection(
        selection=[("pending", "Pending"), ("sent", "Sent")],
        default="pending",
        required=True,
        index=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(default=fields.Datetime.now, index=True)
    last_error = fields.Char(readonly=True)
    sent_date = fields.Datetime(readonly=True)

    @api.model
    def _enqueue(self, case):
        company = case.company_id
        base_url = case.get_base_url()
        text = self.env._(
            "%(mention)s Urgent Asset Recovery case %(case)s: %(customer)s, %(amount)s "
            "overdue, %(dpd)s days past due. %(url)s",
            mention=company.art_slack_mention or "",
            case=case.number,
            customer=case.partner_id.name,
            amount=case.amount_overdue,
            dpd=case.collection_dpd,
            url=f"{base_url}/odoo/helpdesk.ticket/{case.id}",
        ).strip()
        message = self.sudo().create(
            {
                "ticket_id": case.id,
                "company_id": company.id,
                "payload": json.dumps({"channel": company.art_slack_channel, "text": text}),
            }
        )
        message._deliver()
        return message

    def _deliver(self):
        """Post pending messages; a failure is kept with its next attempt time."""
        now = fields.Datetime.now()
        for message in self.filtered(lambda m: m.state == "pending"):
            url = message.company_id.sudo().art_slack_webhook_url
            if not url:
                message.write({"last_error": self.env._("No Slack webhook URL configured.")})
                continue
            client = JsonChannelClient(url, timeout=10)
            try:
                client.send(json.loads(message.payload))
            except ChannelDeliveryError as err:
                attempts = message.attempts + 1
                message.write(
                    {
                        "attempts": attempts,
                        # the webhook URL is the secret: never in the error text
                        "last_error": redact(err, url)[:250],
                        "next_attempt": now + timedelta(minutes=min(2**attempts, 240)),
                    }
                )
            else:
                message.write({"state": "sent", "sent_date": now, "attempts": message.attempts + 1})

    @api.model
    def _cron_deliver(self):
        due = self.sudo().search(
            [("state", "=", "pending"), ("next_attempt", "<=", fields.Datetime.now())]
        )
        due._deliver()
