"""Content-Security-Policy per part of the site, on top of django-csp's site-wide policy.

django-csp (``csp.middleware.CSPMiddleware``) sets ``CONTENT_SECURITY_POLICY`` on every
response: the HTML views and documents get a strict policy (no inline or foreign scripts, no
plugins, no framing by other sites). Two parts differ, and this middleware (listed after
django-csp's, so it sees each response first) marks them:

* the API's JSON (``/api/v2/`` except the docs page) is never a document a browser should
  render: ``default-src 'none'; frame-ancestors 'none'`` (OWASP REST Security Cheat Sheet);
* Wagtail's admin still writes a few inline scripts (date pickers, inline panels) and cannot
  run without ``'unsafe-inline'`` for scripts; the rest of its policy stays strict.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import SELF, UNSAFE_INLINE
from django.http import HttpRequest, HttpResponse

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
API_PREFIX = "/api/v2/"
API_DOCUMENTS = ("/api/v2/docs/",)
ADMIN_PREFIX = "/admin/"


class PolicyByPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path
        if path.startswith(API_PREFIX) and not path.startswith(API_DOCUMENTS):
            response["Content-Security-Policy"] = API_POLICY
        elif path.startswith(ADMIN_PREFIX):
            response._csp_replace = {"script-src": [SELF, UNSAFE_INLINE]}
        return response
