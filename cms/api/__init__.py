"""The headless content API at ``/api/v2/``: Wagtail API v2 extended.

Modules: ``router`` (the URL map), ``endpoints`` (the viewsets), ``filters`` and ``params``
(one backend per query parameter, value parsing), ``fields`` (``?fields=``), ``pagination``
(offset and cursor), ``caching`` (conditional GET and the response cache) and
``invalidation`` (what goes stale when), ``preview`` (signed headless-preview tokens),
``keys`` (API keys, rate limits), ``feedback`` ("was this useful?"), ``schema`` (the OpenAPI
document), ``admin_views`` (admin screens, wired in ``cms/wagtail_hooks.py``), ``models``.

What a page looks like is not decided here: the representation, its resolver, the
representation cache and the page schemas are ``cms.representation``, shared with the event
payloads, the feeds and the push bodies. Import rule: this package imports
``cms.representation`` and ``cms.models``; in ``cms`` only the composition points import it:
``cms.urls`` (its URLs), ``cms.wagtail_hooks`` (its admin screens) and ``cms.apps`` (its
signal handlers).
"""
