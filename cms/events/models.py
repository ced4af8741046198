"""The outbox: every change the CMS makes, as an ordered, append-only log of events.

Invariants (see ARCHITECTURE.md, "Event envelope"):

* an ``Event`` row is written in the same database transaction as the change it describes,
  so a rolled-back publish leaves no event and a committed one always has its event;
* ``sequence`` is global, increasing and allocated under a row lock on ``EventCounter`` that
  is held until commit, so sequences become visible in order and a change-feed cursor never
  skips an event committed late;
* ``version`` increases per object, so a consumer that keeps the highest version ends right
  whatever order deliveries arrive in.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_event_id() -> str:
    """``evt_`` + 26 random base32 characters: stable, unguessable, also the ``webhook-id``."""
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    return "evt_" + "".join(secrets.choice(alphabet) for _ in range(26))


class EventType(models.TextChoices):
    PAGE_PUBLISHED = "page.published", _("page published")
    PAGE_UNPUBLISHED = "page.unpublished", _("page unpublished")
    PAGE_DELETED = "page.deleted", _("page deleted")
    PAGE_MOVED = "page.moved", _("page moved")
    SYNDICATION_IMPORTED = "syndication.imported", _("imported")
    SYNDICATION_PUSHED = "syndication.pushed", _("published externally")
    SYNDICATION_FAILED = "syndication.failed", _("syndication failed")
    FEEDBACK_RECEIVED = "feedback.received", _("feedback received")
    PAGE_PRIVACY_CHANGED = "page.privacy_changed", _("page privacy changed")
    PAGE_EXPIRED = "page.expired", _("page expired")
    PAGE_URL_CHANGED = "page.url_changed", _("page URL changed")
    PERSON_UPDATED = "person.updated", _("person updated")
    PERSON_DELETED = "person.deleted", _("person deleted")
    ORGANISATION_UNIT_UPDATED = "organisation_unit.updated", _("organisation unit updated")
    ORGANISATION_UNIT_DELETED = "organisation_unit.deleted", _("organisation unit deleted")
    THEME_UPDATED = "theme.updated", _("theme updated")
    THEME_DELETED = "theme.deleted", _("theme deleted")
    IMAGE_UPDATED = "image.updated", _("image updated")
    IMAGE_DELETED = "image.deleted", _("image deleted")
    DOCUMENT_UPDATED = "document.updated", _("document updated")
    DOCUMENT_DELETED = "document.deleted", _("document deleted")


class DataRemoved(models.TextChoices):
    """Why an event's stored ``data`` was removed (see ``cms.events.retention``)."""

    DELETED = "deleted", _("object deleted")
    SUPERSEDED = "superseded", _("superseded by a newer event")


class EventCounter(models.Model):
    """One row holding the last ``sequence`` handed out (locked by ``record`` until commit)."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("event counter")


class EventQuerySet(models.QuerySet):
    def with_data(self) -> EventQuerySet:
        return self.filter(data__isnull=False)

    def after(self, sequence: int) -> EventQuerySet:
        return self.filter(sequence__gt=sequence).order_by("sequence")

    def for_object(self, kind: str, object_id: int) -> EventQuerySet:
        return self.filter(object_kind=kind, object_id=object_id)

    def undispatched(self) -> EventQuerySet:
        """Events whose fan-out to deliveries has not been recorded yet (see ``dispatched_at``)."""
        return self.filter(dispatched_at__isnull=True).order_by("sequence")

    def mark_dispatched(self, when) -> int:
        return self.filter(dispatched_at__isnull=True).update(dispatched_at=when)


class Event(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=new_event_id, editable=False)
    sequence = models.BigIntegerField(_("sequence"), unique=True)
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    object_kind = models.CharField(_("object kind"), max_length=30)
    object_id = models.BigIntegerField(_("object id"))
    object_type = models.CharField(_("object type"), max_length=100)
    revision = models.BigIntegerField(_("revision"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("data"), null=True, blank=True, encoder=DjangoJSONEncoder)
    # Set by the consumer of the outbox (syndication's dispatch) once it has fanned the event
    # out into delivery rows; the relay re-dispatches any event left without it.
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set when ``data`` was erased (the object was deleted) or purged (superseded, older than
    # the retention period); the envelope then says so in ``redacted``.
    data_removed = models.CharField(
        _("data redacted"), max_length=20, choices=DataRemoved.choices, blank=True
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(
                fields=["object_kind", "object_id", "version"], name="event_object_version"
            ),
            models.Index(fields=["object_kind", "revision"], name="event_object_revision"),
            models.Index(fields=["occurred_at"], name="event_occurred_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["object_kind", "object_id", "version"], name="event_unique_object_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.type} {self.object_kind}:{self.object_id} v{self.version}"

    def envelope(self) -> dict:
        """The event as stored: ``data`` is ``null`` for deletions and erased data (then
        ``redacted`` says why). What a given reader sees is ``cms.events.visibility``'s call."""
        envelope = {
            "id": self.id,
            "type": self.type,
            "occurred_at": self.occurred_at.astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "sequence": self.sequence,
            "object": {
                "kind": self.object_kind,
                "id": self.object_id,
                "type": self.object_type,
                "revision": self.revision,
                "version": self.version,
            },
        }
        envelope["data"] = self.data
        if self.data_removed:
            envelope["redacted"] = self.data_removed
        return envelope

    def body(self, envelope: dict | None = None) -> bytes:
        """The envelope (or a reader's redacted copy of it) serialised deterministically: the
        exact bytes that get signed."""
        return json.dumps(
            self.envelope() if envelope is None else envelope,
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
