"""Which webhook endpoints hear which events: the endpoint's filters (event types, page
types, themes). Used by the fan-out (``syndication.dispatch``) and by the admin's replay
(``webhooks.operations``), so both apply one rule."""

from __future__ import annotations

from wagtail.models import Page

from cms.events import Event

from .models import Delivery, WebhookEndpoint


def endpoint_matches(endpoint: WebhookEndpoint, event: Event, theme_ids: set[int] | None) -> bool:
    """Event-type, page-type and theme filters; empty filters match everything.

    An endpoint filtered by theme also hears every later event about an object it was already
    told about (an unpublish, a deletion, a theme removed), so it never keeps a stale copy.
    """
    if endpoint.event_types and event.type not in endpoint.event_types:
        return False
    if endpoint.page_types and (
        event.object_kind != "page" or event.object_type not in endpoint.page_types
    ):
        return False
    wanted = {theme.pk for theme in endpoint.themes.all()}
    if wanted:
        if theme_ids and wanted & theme_ids:
            return True
        return Delivery.objects.filter(
            endpoint=endpoint,
            event__object_kind=event.object_kind,
            event__object_id=event.object_id,
        ).exists()
    return True


def page_theme_ids(event: Event) -> set[int] | None:
    """The themes of the page an event is about (None for other objects)."""
    if event.object_kind != "page":
        return None
    page = Page.objects.filter(pk=event.object_id).specific().first()
    if page is None or not hasattr(page, "themes"):
        return None
    return set(page.themes.values_list("pk", flat=True))
