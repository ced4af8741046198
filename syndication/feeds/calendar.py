"""The programs' meetings as iCalendar (RFC 5545), built with the ``icalendar`` library.

* ``UID`` is per meeting row (``kanal-meeting-<id>@<host>``): editing a meeting's time or
  place updates the same event in a subscriber's calendar instead of adding a second one.
* Times are ``Europe/Stockholm`` with its ``VTIMEZONE`` (§3.6.5), so a reader in another zone
  still sees the meeting at the right moment across daylight-saving changes.
* A cancelled meeting stays, with ``STATUS:CANCELLED`` (§3.8.1.11): a calendar only drops an
  event it is told about; one that silently vanished from the feed would stay on the wall.
* ``DTSTAMP`` and ``LAST-MODIFIED`` are the program's last publication, so the same content
  gives the same bytes (the ETag is their digest).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cms.models import ProgramMeeting, ProgramPage
from cms.representation.urls import page_html_url

from .scope import FeedError, resolve_locale
from .selection import public_pages

TIMEZONE = "Europe/Stockholm"
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class CalendarScope:
    language: str
    locale_id: int
    program_slug: str = ""


def resolve_calendar(
    program_slug: str, *, path_language: str | None, query: dict[str, str]
) -> CalendarScope:
    unknown = sorted(set(query) - {"locale"})
    if unknown:
        raise FeedError(400, f"{unknown[0]}: unknown parameter (calendars take locale)")
    locale = resolve_locale(path_language, query.get("locale"))
    return CalendarScope(locale.language_code, locale.pk, program_slug)


def meetings_calendar(scope: CalendarScope) -> bytes:
    """The calendar of one program (by slug) or of every live, public program of a locale."""
    programs = ProgramPage.objects.filter(
        pk__in=public_pages().filter(locale_id=scope.locale_id).values("pk")
    )
    if scope.program_slug:
        programs = programs.filter(slug=scope.program_slug)
    rows = {
        pk: (title, url_path, last_published_at)
        for pk, title, url_path, last_published_at in programs.values_list(
            "pk", "title", "url_path", "last_published_at"
        )
    }
    if scope.program_slug and not rows:
        # The slug is not echoed: it may name a draft or private page (the canary crawl).
        raise FeedError(
            404,
            _("There is no published program at that address. See /feeds/programs/meetings.ics."),
        )
    zone = ZoneInfo(TIMEZONE)
    host = urlsplit(settings.KANAL_BASE_URL).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.WAGTAIL_SITE_NAME}//Kanal programträffar//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = rows[next(iter(rows))][0] if scope.program_slug else _("Program meetings")
    calendar.add("x-wr-calname", f"{settings.WAGTAIL_SITE_NAME}: {name}")
    calendar.add("x-wr-timezone", TIMEZONE)
    meetings = ProgramMeeting.objects.filter(program_id__in=list(rows)).order_by("starts_at", "pk")
    for meeting in meetings:
        title, url_path, last_published_at = rows[meeting.program_id]
        event = Event()
        event.add("uid", f"kanal-meeting-{meeting.pk}@{host}")
        event.add("dtstamp", last_published_at)
        event.add("last-modified", last_published_at)
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("summary", f"{title}: {meeting.topic}")
        event.add("location", meeting.place)
        event.add("url", page_html_url(url_path, scope.language))
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
