"""The composition root: every app's URLs are mounted here (the one place cms may name them)."""

from django.db import DEFAULT_DB_ALIAS
from django.urls import URLResolver, include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api import errors as api_errors
from cms.api import router as api_router
from cms.media import serve_media
from syndication import urls as syndication_urls
from syndication.feeds import urls as feeds_urls


def non_atomic(patterns: list) -> list:
    """Take every view in ``patterns`` out of ``ATOMIC_REQUESTS``.

    The API only reads (feedback inserts one row); wrapping its requests in a transaction
    would, on SQLite with IMMEDIATE transactions, take the write lock for every read.
    """
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            non_atomic(pattern.url_patterns)
        else:
            pattern.callback._non_atomic_requests = {DEFAULT_DB_ALIAS}
    return patterns


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("syndication/", include(syndication_urls)),
    path("feeds/", include(feeds_urls)),
    # Feeds of another locale: /en/feeds/… (the default language's are at /feeds/…).
    re_path(r"^(?P<language>[a-z]{2})/feeds/", include(feeds_urls)),
    path("api/v2/", include(non_atomic(api_router.urlpatterns))),
    re_path(r"^api/v2/", api_errors.not_found),
]

# Uploaded files only through the view that checks private collections (never static()).
urlpatterns += [re_path(r"^media/(?P<path>.+)$", serve_media, name="kanal_media")]

urlpatterns += [path("", include(wagtail_urls))]
