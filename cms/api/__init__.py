"""The headless content API at ``/api/v2/``: Wagtail API v2 extended.

Modules: ``router`` (the URL map), ``endpoints`` (the viewsets), ``filters`` and ``params``
(one backend per query parameter, value parsing), ``fields`` (``?fields=``), ``pagination``
(offset and cursor), ``representation`` (a page as JSON, usable outside a request: the event
payload uses ``page_representation``), ``resolver``, ``streams``, ``richtext`` and ``images``
(what the representation is made of, loaded in bulk), ``caching`` and ``invalidation``
(representation and response caches, conditional GET, what goes stale when), ``preview``
(signed headless-preview tokens), ``keys`` (API keys, rate limits), ``feedback`` ("was this
useful?"), ``schema`` (the OpenAPI document), ``admin_views`` (admin screens, wired in
``cms/wagtail_hooks.py``), ``models``.
"""
