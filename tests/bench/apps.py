"""The benchmark's own app: declares the stock ``api_fields`` before any API schema is built.

Stock Wagtail shows only declared ``api_fields``. API v2 reads them per request, but API v3
builds its pydantic read schemas once, while the apps load: ``wagtail.images`` and
``wagtail.contrib.redirects`` import ``wagtail.api.v3.api`` from their ``ready()``, and that
import generates every page type's schema from ``api_fields`` as they are at that moment.
This app is listed first in ``tests.bench.settings.INSTALLED_APPS`` so that its ``ready()``
runs before theirs (Django imports every app's models before calling any ``ready()``).
"""

from django.apps import AppConfig

# The article's external fields, so that stock `fields=*` (v2) and the v3 detail carry the
# same content as ours.
STOCK_ARTICLE_FIELDS = (
    "intro",
    "body",
    "author",
    "author_name",
    "publication_date",
    "tags",
    "themes",
    "last_reviewed_at",
    "origin_source",
    "origin_url",
)


class BenchConfig(AppConfig):
    name = "tests.bench"
    label = "kanal_bench"

    def ready(self) -> None:
        from wagtail.api import APIField

        from cms.models import ArticlePage

        ArticlePage.api_fields = [APIField(name) for name in STOCK_ARTICLE_FIELDS]
