from . import portal
from . import twilio_webhook
from . import whatsapp_webhook
