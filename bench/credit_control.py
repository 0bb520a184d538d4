"""OCA account_credit_control with a policy equivalent to the shipped purifier
SOP (``collections_dunning.policy_sop``), and its run as its form's button
(``credit.control.run.generate_credit_lines``) does it.

Credit control works per invoice, one level at a time (a level needs the line
of the previous level), with the channels letter, email and phone. The SOP's
days and channels map to it level by level:

==========  ==================================  ==========================
days due    SOP (collections_dunning)           credit control level
==========  ==================================  ==========================
1           L1: SMS, email, IVR, WhatsApp       1: email
7           L2: agent follow-up                 2: phone
15, 30, 45  L2: SMS, email, WhatsApp            3, 4, 5: email
61          L3: hand-over                       6: phone
==========  ==================================  ==========================

SMS, IVR and WhatsApp have no credit control channel; they are left out, which
only makes its run lighter.
"""

LEVELS = (
    (1, "L1 early reminders", 1, "email"),
    (2, "L2 agent follow-up", 7, "phone"),
    (3, "L2 reminder, 15 days", 15, "email"),
    (4, "L2 reminder, 30 days", 30, "email"),
    (5, "L2 reminder, 45 days", 45, "email"),
    (6, "L3 hand-over", 61, "phone"),
)


def make_policy(env):
    """The SOP as a credit control policy, the company's default."""
    company = env.company
    receivable = company.partner_id.property_account_receivable_id
    template = env.ref("account_credit_control.email_template_credit_control_base")
    policy = env["credit.control.policy"].create(
        {
            "name": "Purifier rental SOP (as credit control)",
            "company_id": company.id,
            "account_ids": [(6, 0, receivable.ids)],
            "level_ids": [
                (
                    0,
                    0,
                    {
                        "name": name,
                        "level": level,
                        "computation_mode": "net_days",
                        "delay_days": days,
                        "channel": channel,
                        "email_template_id": template.id,
                        "custom_text": f"{name}: please pay what is overdue.",
                        "custom_mail_text": f"<p>{name}: please pay what is overdue.</p>",
                    },
                )
                for level, name, days, channel in LEVELS
            ],
        }
    )
    company.credit_policy_id = policy
    return policy


def run(env, policy, day):
    """One credit control run on ``day``, as the run form's button does it."""
    control_run = env["credit.control.run"].create(
        {"date": day, "policy_ids": [(6, 0, policy.ids)]}
    )
    control_run.generate_credit_lines()
    env.flush_all()
    return control_run


def line_count(env, control_run):
    return env["credit.control.line"].search_count([("run_id", "=", control_run.id)])
