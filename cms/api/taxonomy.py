"""``tags/`` and ``page-types/``: the other ways into the content, each with its feeds.

Like ``themes/``, every item carries ``feeds`` (RSS 2.0, Atom 1.0 and JSON Feed 1.1 links),
so a consuming site can offer "follow this tag" or "follow all videos" without knowing the
feed URL convention. The links come from ``cms.representation.urls.feed_links`` (the feed
paths are declared there, beside the API's other URLs); ``cms`` never imports
``syndication``, which serves them.

Tags are listed only while a public page carries them (``cms.visibility.public_tags``): a tag
on a draft or a restricted page is as private as the page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from taggit.models import Tag

from ..representation.pages import represented_models
from ..representation.resolver import type_label
from ..representation.urls import TYPE_FEED_KEYS, feed_links
from ..visibility import public_tags
from .endpoints import SimpleEndpoint


class TagsEndpoint(SimpleEndpoint):
    """``tags/``: the tags of public pages, by name, with their feeds."""

    model = Tag
    name = endpoint_name = "tags"

    def filtered(self):
        return public_tags().order_by("name", "pk")

    def represent(self, objects: list) -> list[dict]:
        return [
            {
                "id": tag.pk,
                "slug": tag.slug,
                "name": tag.name,
                "feeds": feed_links("tag", tag.slug),
            }
            for tag in objects
        ]


class PageTypesEndpoint(SimpleEndpoint):
    """``page-types/``: every page type the API represents (``?type=`` of ``pages/``), with
    its feeds where it has its own (articles, videos, programs); ``id`` is its content type.

    Names are in the site's default language whatever the request's: the response is cached
    per URL, not per ``Accept-Language``.
    """

    model = ContentType
    name = endpoint_name = "page-types"

    def filtered(self):
        types = ContentType.objects.get_for_models(*represented_models()).values()
        return ContentType.objects.filter(pk__in=[t.pk for t in types]).order_by("pk")

    def represent(self, objects: list) -> list[dict]:
        with translation.override(settings.LANGUAGE_CODE):
            return [self._item(content_type) for content_type in objects]

    @staticmethod
    def _item(content_type: ContentType) -> dict:
        model = content_type.model_class()
        label = type_label(model)
        key = TYPE_FEED_KEYS.get(label)
        return {
            "id": content_type.pk,
            "type": label,
            "name": str(model._meta.verbose_name),
            "name_plural": str(model._meta.verbose_name_plural),
            "feeds": feed_links("type", key) if key else None,
        }
