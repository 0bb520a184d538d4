from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class CollectionsCustomerPortal(CustomerPortalHelpdesk):
    def _document_check_access(self, model_name, document_id, access_token=None):
        """A ticket's access token stops working once the ticket is a collection
        case: collections are for the record rules alone to open."""
        document_sudo = super()._document_check_access(
            model_name, document_id, access_token=access_token
        )
        if model_name == "helpdesk.ticket" and document_sudo.is_collection_ticket:
            request.env[model_name].browse(document_id).check_access("read")
        return document_sudo
