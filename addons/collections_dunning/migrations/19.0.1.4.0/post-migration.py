"""19.0.1.4.0: the payment reminder's email and text say the amount overdue through
the plain placeholder ``object.collection_amount_overdue_text`` (Odoo renders
plain placeholders without evaluating Python per recipient). The shipped templates
are not updated by an upgrade: their old expressions are rewritten in place."""

from odoo.addons.collections_dunning.placeholders import use_plain_placeholders


def migrate(cr, version):
    if not version:
        return
    use_plain_placeholders(
        cr,
        "collections_dunning",
        {
            "mail_template_reminder": ("mail_template", ("subject", "body_html")),
            "sms_template_reminder": ("sms_template", ("body",)),
        },
    )
