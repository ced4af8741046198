"""Syndication pull: fetch -> guard -> parse -> normalise -> upsert.

Each stage is one module and hands the next a plain value (``FetchResult``, ``GuardedDocument``,
``ParsedFeed``, ``NormalisedItem``), so each can be tested alone and the pipeline
(``pipeline.poll_source``) reads as the flow in ARCHITECTURE.md. Only ``fetch`` talks to the
network (through ``syndication.http``); only ``upsert`` creates imported pages.

Also here, as in ``syndication/webhooks/``: the models (``Source``, ``ImportedItem``), the
admin ``forms`` and ``views`` (with the public WebSub callback), ``schedule`` and ``websub``,
and ``tasks``, the top layer that enqueues what the others return (no module here imports it
but the views).
"""
