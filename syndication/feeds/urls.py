"""The feeds' URLs (stable; documented in the README). Mounted by ``cms/urls.py`` at
``feeds/`` and, for other locales, at ``<lang>/feeds/``."""

from django.urls import path, re_path

from .views import calendar_view, feed_view, opml_view

FORMAT = r"(?P<fmt>rss|atom|json)"
SLUG = r"(?P<key>[-\w]+)"

urlpatterns = [
    re_path(rf"^{FORMAT}/$", feed_view, name="feed_all"),
    re_path(
        rf"^(?P<key>articles|videos|programs)/{FORMAT}/$",
        feed_view,
        {"kind": "type"},
        name="feed_type",
    ),
    re_path(rf"^themes/{SLUG}/{FORMAT}/$", feed_view, {"kind": "theme"}, name="feed_theme"),
    re_path(rf"^tags/{SLUG}/{FORMAT}/$", feed_view, {"kind": "tag"}, name="feed_tag"),
    path("programs/meetings.ics", calendar_view, name="feed_meetings"),
    path("programs/<slug:program_slug>/meetings.ics", calendar_view, name="feed_program_meetings"),
    # OPML lists every locale's feeds; /<lang>/feeds/opml/ is the same file.
    path("opml/", opml_view, name="feed_opml"),
]
