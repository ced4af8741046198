"""Syndication pull: fetch -> guard -> parse -> normalise -> upsert.

Each stage is one module and hands the next a plain value (``FetchResult``, ``GuardedDocument``,
``ParsedFeed``, ``NormalisedItem``), so each can be tested alone and the pipeline
(``pipeline.poll_source``) reads as the flow in ARCHITECTURE.md. Only ``fetch`` talks to the
network (through ``syndication.http``); only ``upsert`` creates imported pages.
"""
