"""19.0.1.2.0: the recovery notification's email and text say the amount overdue
through the plain placeholder ``object.collection_amount_overdue_text`` (dunning's
19.0.1.4.0 migration says why). The shipped templates are not updated by an
upgrade: their old expressions are rewritten in place."""

from odoo.addons.collections_dunning.placeholders import use_plain_placeholders


def migrate(cr, version):
    if not version:
        return
    use_plain_placeholders(
        cr,
        "collections_art",
        {
            "mail_template_recovery_notification": ("mail_template", ("body_html",)),
            "sms_template_recovery_notification": ("sms_template", ("body",)),
        },
    )
