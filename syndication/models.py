"""Syndication's models, re-exported. Import them from ``syndication.models``."""

from .webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint

__all__ = ["Delivery", "DeliveryStatus", "WebhookEndpoint"]
