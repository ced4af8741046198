"""Webhooks: endpoints (admin), Standard Webhooks signing, deliveries and their policy."""
