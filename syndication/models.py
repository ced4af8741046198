"""Syndication's models, re-exported so Django finds them in the app's ``models`` module.

Each flow keeps its models in its own package: ``syndication.pull.models`` (sources and
imported items), ``syndication.webhooks.models`` (endpoints and deliveries),
``syndication.push.models`` (targets, syndication records, push deliveries) and
``syndication.feeds.models`` (WebSub hub pings), ``syndication.wakes`` (coalesced wake-ups).

Import rule: code inside ``syndication`` imports a model from the module that defines it;
this module exists for Django's app loading and for code outside the app (tests, shells).
An import-linter contract in ``pyproject.toml`` keeps syndication's own modules off it.
"""

from .feeds.models import WebSubPing
from .pull.models import ImportedItem, Source
from .push.models import PushDelivery, PushTarget, SyndicationRecord
from .push.video_models import QuotaLedger, VideoChannel, VideoRecordState
from .wakes import Wake
from .webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint

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
    "Wake",
    "WebSubPing",
    "WebhookEndpoint",
]
