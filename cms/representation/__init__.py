"""The page's external shape, declared once per page type and derived everywhere.

Page types declare ``external_fields`` with the vocabulary of ``cms.representation.fields``
and ``cms.representation.schema``; from those declarations this package derives the API
representation (``pages``), the OpenAPI page components (``components``), the event payloads
(``cms.events`` calls ``pages.revision_representation``), the feed items and the push bodies.

Import rule: ``cms.models`` and ``cms.blocks`` import only ``fields``, ``schema`` and ``urls``
from here (none of them imports a model); every other module of this package may import
``cms.models``.
Callers import the builders from their modules — ``cms.representation.pages`` (build,
represent a page or a revision), ``.cache`` (the representation cache and its stamps),
``.resolver`` (bulk loading) — never through this ``__init__``, which re-exports nothing so
that importing the vocabulary never drags the models in. ``cms.api``, ``cms.events`` and
``syndication`` import this package; it imports none of them.
"""
