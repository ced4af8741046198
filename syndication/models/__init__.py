"""Syndication's models, one module per flow, re-exported here.

Import rule: other modules import from ``syndication.models``, never from the submodules.
"""

from ..feeds.models import WebSubPing
from ..push.models import PushDelivery, PushTarget, SyndicationRecord
from ..push.video_models import QuotaLedger, VideoChannel, VideoRecordState
from ..webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint
from .pull import ImportedItem, Source

__all__ = [
    "Delivery",
    "DeliveryStatus",
    "ImportedItem",
    "PushDelivery",
    "PushTarget",
    "QuotaLedger",
    "Source",
    "SyndicationRecord",
    "VideoChannel",
    "VideoRecordState",
    "WebSubPing",
    "WebhookEndpoint",
]
