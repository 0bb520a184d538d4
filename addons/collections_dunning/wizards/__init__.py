from . import collection_transfer_wizard
