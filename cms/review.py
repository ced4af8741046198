"""Content review: every content page carries "last reviewed on / by"; a page whose review has
gone stale (``KANAL_REVIEW_INTERVAL_DAYS``) is *due*.

What editors must keep fresh is what they wrote here. Imported pages (``origin_url`` set) are
not reviewed one by one: they are reviewed through their source, and the app that imports
them contributes one line per source to the dashboard panel through
``register_line_provider`` (``cms`` never imports ``syndication``; the same seam as
``cms.representation.syndicated``).

Owners of due pages get one reminder e-mail per period (``KANAL_REVIEW_REMINDER_DAYS``,
weekly by default, periods starting on Mondays): the relay calls ``send_reminders`` on its
clock, ``manage.py send_review_reminders`` on demand. A ``ReviewReminder`` row per (owner,
period) is written before the mail goes out, so a reminder is sent at most once per period
however many relays run; a mail whose sending fails gives its row back, to be retried. Each
mail is written in its recipient's language: the one they chose in their account (Wagtail's
``UserProfile.preferred_language``), else ``LANGUAGE_CODE``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.localization import get_available_admin_languages
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.users.models import UserProfile

from .models import KanalPage, ReviewReminder

logger = logging.getLogger(__name__)

# Periods are counted from a Monday, so weekly periods start on Mondays.
_EPOCH_MONDAY = date(1970, 1, 5)


@dataclass(frozen=True)
class ReviewLine:
    """A line another app adds to the review panel in place of many pages (one source of
    imported posts): what it is, how many pages it stands for, and its health."""

    label: str
    count: int
    health: str
    healthy: bool
    url: str


LineProvider = Callable[[object], list[ReviewLine]]
_providers: list[LineProvider] = []


def register_line_provider(provider: LineProvider) -> None:
    """``provider(user)`` returns the lines that user should see (``[]`` if none)."""
    if provider not in _providers:
        _providers.append(provider)


def contributed_lines(user) -> list[ReviewLine]:
    return [line for provider in _providers for line in provider(user)]


def content_models() -> list[type[KanalPage]]:
    return [model for model in apps.get_models() if issubclass(model, KanalPage)]


def _due(model: type[KanalPage], today: date):
    cutoff = today - timedelta(days=settings.KANAL_REVIEW_INTERVAL_DAYS)
    queryset = model.objects.live().filter(
        Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__lt=cutoff)
    )
    if any(f.name == "origin_url" for f in model._meta.get_fields()):
        queryset = queryset.filter(origin_url="")  # imported: reviewed through its source
    return queryset


def _sort_key(page) -> tuple:
    return (page.last_reviewed_at or date.min, page.title)


def pages_due_for_review(today: date | None = None, limit: int = 20, owner=None) -> list:
    """Live pages written here (not imported) never reviewed, or reviewed longer ago than the
    interval, oldest first; only ``owner``'s when given."""
    today = today or timezone.localdate()
    pages = []
    for model in content_models():
        queryset = _due(model, today)
        if owner is not None:
            queryset = queryset.filter(owner=owner)
        pages.extend(
            queryset.select_related("owner").only(
                "pk", "title", "last_reviewed_at", "depth", "path", "url_path", "owner"
            )[:limit]
        )
    pages.sort(key=_sort_key)
    return pages[:limit]


def count_due(today: date | None = None, owner=None) -> int:
    today = today or timezone.localdate()
    total = 0
    for model in content_models():
        queryset = _due(model, today)
        total += (queryset.filter(owner=owner) if owner is not None else queryset).count()
    return total


def writes_pages(user) -> bool:
    """Whether the user edits pages at all (a syndication manager does not)."""
    return user.is_superuser or PagePermissionPolicy().user_has_any_permission(
        user, ["add", "change", "publish"]
    )


def sees_everyones_pages(user) -> bool:
    """Moderators and administrators (who may publish) see every due page; editors their own."""
    return user.is_superuser or PagePermissionPolicy().user_has_permission(user, "publish")


# -- the reminder e-mail ----------------------------------------------------------------------


def period_start(today: date, days: int | None = None) -> date:
    days = days or settings.KANAL_REVIEW_REMINDER_DAYS
    return _EPOCH_MONDAY + timedelta(days=(today - _EPOCH_MONDAY).days // days * days)


def due_by_owner(today: date) -> dict[int, list]:
    """``{owner id: [due pages, oldest first]}`` for every active owner with an address."""
    by_owner: dict[int, list] = defaultdict(list)
    for model in content_models():
        queryset = _due(model, today).filter(owner__is_active=True).exclude(owner__email="")
        for page in queryset.only("pk", "title", "last_reviewed_at", "owner_id"):
            by_owner[page.owner_id].append(page)
    for pages in by_owner.values():
        pages.sort(key=_sort_key)
    return dict(by_owner)


def reminder_message(user, pages: list) -> tuple[str, str]:
    """Subject and plain-text body of one owner's reminder."""
    base = settings.KANAL_BASE_URL
    subject = ngettext("%(count)d page to review", "%(count)d pages to review", len(pages)) % {
        "count": len(pages)
    }
    lines = [
        _("Hello %(name)s!") % {"name": user.get_full_name() or user.get_username()},
        "",
        _("These pages have not been reviewed for a long time. Read them through, update "
          "what needs updating and enter today's date under Review."),
        "",
    ]  # fmt: skip
    for page in pages:
        reviewed = (
            page.last_reviewed_at.isoformat() if page.last_reviewed_at else _("never reviewed")
        )
        edit_url = base + reverse("wagtailadmin_pages:edit", args=[page.pk])
        lines.append(f"- {page.title} ({reviewed})\n  {edit_url}")
    return subject, "\n".join(lines) + "\n"


def preferred_languages(user_ids) -> dict[int, str]:
    """Each user's admin language (``LANGUAGE_CODE`` unless they chose another the admin
    offers), in one query. Unlike ``UserProfile.get_preferred_language`` this never falls back
    to the language that happens to be active (a relay or a command has no user's request),
    and it creates no profile rows."""
    offered = dict(get_available_admin_languages())
    chosen = dict(
        UserProfile.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "preferred_language"
        )
    )
    return {
        user_id: chosen[user_id] if chosen.get(user_id) in offered else settings.LANGUAGE_CODE
        for user_id in user_ids
    }


@dataclass
class ReminderSummary:
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        # Operator output, in English like the other commands' summaries.
        return (
            f"Sent {self.sent} reminder(s) listing {self.pages} page(s); "
            f"{self.already_sent} owner(s) already reminded this period; {self.failed} failed."
        )


def _claim(user_id: int, period: date, count: int, again: bool) -> ReviewReminder | None:
    """The period's reminder row for the owner, or ``None`` if it was already sent."""
    try:
        with transaction.atomic():
            return ReviewReminder.objects.create(
                user_id=user_id, period_start=period, page_count=count
            )
    except IntegrityError:
        if not again:
            return None
        reminder = ReviewReminder.objects.get(user_id=user_id, period_start=period)
        reminder.page_count, reminder.sent_at = count, timezone.now()
        reminder.save(update_fields=["page_count", "sent_at"])
        return reminder


def send_reminders(
    now=None, *, again: bool = False, progress: Callable[[str], None] | None = None
) -> ReminderSummary:
    """E-mail every owner of due pages the list of them, once per period (``again``: even if
    this period's reminder was sent already)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    period = period_start(today)
    summary = ReminderSummary()
    by_owner = due_by_owner(today)
    users = get_user_model().objects.in_bulk(list(by_owner))
    languages = preferred_languages(by_owner)
    for index, (user_id, pages) in enumerate(sorted(by_owner.items()), start=1):
        user = users[user_id]
        reminder = _claim(user_id, period, len(pages), again)
        if reminder is None:
            summary.already_sent += 1
            continue
        with translation.override(languages[user_id]):
            subject, body = reminder_message(user, pages)
        try:
            send_mail(subject, body, None, [user.email])
        except Exception as exc:  # any transport error: give the period back, retry later
            reminder.delete()
            summary.failed += 1
            summary.errors.append(f"{user.get_username()}: {exc}")
            logger.warning("review reminder to user %s failed: %s", user_id, exc)
            continue
        summary.sent += 1
        summary.pages += len(pages)
        if progress:
            progress(f"[{index}/{len(by_owner)}] {user.get_username()}: {len(pages)} page(s)")
    return summary
