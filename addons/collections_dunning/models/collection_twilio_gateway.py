from odoo import fields, models

from .. import twilio_voice


class CollectionTwilioGateway(models.AbstractModel):
    """The ``twilio_voice`` backend of a channel provider: IVR calls through
    Twilio Programmable Voice, the one-key menu and the call's end reported to
    the signed webhook. Mixed into ``collection.channel.provider``."""

    _name = "collection.twilio.gateway"
    _description = "Twilio Programmable Voice Gateway"

    twilio_account_sid = fields.Char(string="Account SID")
    twilio_from_number = fields.Char(
        string="From Number", help="The Twilio number calls come from, in E.164 (+1…)."
    )

    def _send_text_twilio_voice(self, ticket, number, text, reference):
        with self._twilio_client() as client:
            return client.create_call(number, self.twilio_from_number, twilio_voice.say_twiml(text))

    def _twilio_client(self):
        self.ensure_one()
        return twilio_voice.TwilioVoiceClient(
            self.api_base_url, self.twilio_account_sid, self.sudo().token, timeout=self.timeout
        )

    def _ivr_menu_text(self):
        return self.env._("Press 1 to get a payment link, press 2 to speak to an agent.")

    def _deliver_twilio_voice(self, reminders, messages):
        """One call per reminder: the text read out, then the one-key menu; the
        key presses and the call's end come back to the Twilio webhook."""
        menu, from_number = self._ivr_menu_text(), self.twilio_from_number
        calls = {}
        for reminder in reminders:
            url = self._webhook_url("twilio", reminder=reminder.id)
            twiml = twilio_voice.reminder_twiml(messages[reminder.id], url, menu)
            calls[reminder.id] = (reminder.recipient, from_number, twiml, url)

        with self._twilio_client() as client:  # one connection for the loop
            self._deliver_each(reminders, lambda reminder: client.create_call(*calls[reminder.id]))

    def _twilio_signature_ok(self, urls, params, signature):
        self.ensure_one()
        return twilio_voice.signature_is_valid(self.sudo().token, urls, params, signature)

    def _twilio_call_status(self, call_sid, call_status):
        """The end of a call: completed is delivered, busy / no answer / failed /
        canceled is failed with that status as the reason."""
        state = twilio_voice.CALL_STATES.get(call_status)
        if not call_sid or not state:
            return
        reason = (
            self.env._("The call ended without an answer: %s.", call_status)
            if state == "failed"
            else None
        )
        self.env["collection.reminder"]._apply_status_reports(self, {call_sid: (state, reason)})

    def _twilio_key_pressed(self, reminder, digits):
        """What the customer's key does: 1 sends the case's payment link, 2 asks
        the case's agent to call back; anything else hears the menu again.
        Returns the TwiML to play."""
        self.ensure_one()
        case = reminder.ticket_id
        action_url = self._webhook_url("twilio", reminder=reminder.id)
        if digits == "1" and case._ivr_send_payment_link():
            return twilio_voice.say_twiml(
                self.env._("We have sent you a payment link. Thank you, goodbye.")
            )
        if digits == "1":
            return twilio_voice.say_twiml(
                self.env._("There is nothing to pay on this account. Goodbye.")
            )
        if digits == "2":
            case._ivr_request_callback()
            return twilio_voice.say_twiml(
                self.env._("An agent will call you back shortly. Goodbye.")
            )
        return twilio_voice.say_twiml(
            self.env._("Sorry, that is not an option."), action_url, self._ivr_menu_text()
        )
