from datetime import timedelta

from odoo import fields, models


class CollectionGatewayCircuit(models.AbstractModel):
    """Circuit breaker of a channel provider: a gateway that keeps failing is
    left alone for a cool-down, its reminders wait, and the run goes on
    without calling it. Mixed into ``collection.channel.provider``."""

    _name = "collection.gateway.circuit"
    _description = "Channel Gateway Circuit Breaker"

    circuit_threshold = fields.Integer(
        string="Failures Before Pausing",
        default=5,
        help="Consecutive time-outs or server errors after which the gateway is no "
        "longer called until the cool-down is over.",
    )
    circuit_cooldown = fields.Integer(
        string="Pause (minutes)",
        default=15,
        help="How long the gateway is left alone once it kept failing.",
    )
    consecutive_failures = fields.Integer(readonly=True)
    circuit_open_until = fields.Datetime(
        string="Paused Until", readonly=True, help="Set while the gateway is left alone."
    )

    def _circuit_open(self):
        self.ensure_one()
        return bool(self.circuit_open_until and self.circuit_open_until > fields.Datetime.now())

    def _circuit_record(self, error=None):
        """Count consecutive gateway failures (time-outs, 429, 5xx; a refused
        message is the message's fault, not the gateway's) and pause the gateway
        once they reach the threshold; a success closes the circuit."""
        self.ensure_one()
        if not error:
            if self.consecutive_failures or self.circuit_open_until:
                self.write({"consecutive_failures": 0, "circuit_open_until": False})
            return
        if not error.retryable:
            return
        failures = self.consecutive_failures + 1
        vals = {"consecutive_failures": failures}
        if failures >= self.circuit_threshold:
            vals["circuit_open_until"] = fields.Datetime.now() + timedelta(
                minutes=self.circuit_cooldown
            )
        self.write(vals)

    def _circuit_reason(self):
        return self.env._(
            "Waiting: %(provider)s kept failing and is paused until %(until)s.",
            provider=self.name,
            until=fields.Datetime.to_string(self.circuit_open_until),
        )
