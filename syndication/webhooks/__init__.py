"""Webhooks: endpoints (``models``, admin ``forms`` and ``views``), which endpoint hears which
event (``matching``), Standard Webhooks signing (``signing``), one delivery attempt and its
policy (``delivery``, ``policy``), the editors' actions (``operations``) and the delivery
task (``tasks``, the top layer: nothing else here imports it but the admin views)."""
