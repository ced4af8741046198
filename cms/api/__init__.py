"""The headless content API at ``/api/v2/``: Wagtail API v2 extended.

Modules: ``router`` (the URL map), ``endpoints`` (the viewsets), ``filters`` (one backend per
query parameter), ``pagination`` (offset and cursor), ``representation`` (a page as JSON, usable
outside a request: the event payload uses it), ``richtext`` and ``images`` (what the
representation is made of), ``caching`` (representation cache, conditional GET, invalidation),
``preview`` (signed headless-preview tokens), ``keys`` (API keys, throttles), ``feedback``
(the "was this useful?" endpoint), ``schema`` (the OpenAPI document).
"""
