"""19.0.1.1.0: the "record only" channel backend, which marked WhatsApp and IVR
reminders sent although nothing left Odoo, becomes "by hand" (an agent to-do)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE collection_channel_provider SET provider_type = 'manual' "
        "WHERE provider_type = 'recording'"
    )
