"""Syndication's models, one module per flow, re-exported here.

Import rule: other modules import from ``syndication.models``, never from the submodules.
"""

from ..feeds.models import WebSubPing
from ..push.models import PushDelivery, PushTarget, SyndicationRecord
from ..webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint
from .pull import ImportedItem, Source

__all__ = [
    "Delivery",
    "DeliveryStatus",
    "ImportedItem",
    "PushDelivery",
    "PushTarget",
    "Source",
    "SyndicationRecord",
    "WebSubPing",
    "WebhookEndpoint",
]
