"""The CMS's own change log: the ``Event`` outbox, recording from Wagtail signals, the
reconciler and the change feed.

Public API (stable; other apps import only these names):

* ``cms.events.recording.record(event_type, instance, *, revision=None, data=…) -> Event``
  — write an event **inside the transaction that makes the change**. For pages ``data``
  defaults to the page's API representation at ``revision``; for other objects pass it.
  Example, in an import::

      with transaction.atomic():
          page.save_revision().publish()          # page.published recorded by the signal
          record("syndication.imported", page, data={"source": source.pk, "url": url})

* ``cms.events.event_committed`` — signal sent after commit with ``event_id``; syndication
  listens.
* ``cms.events.Event``, ``cms.events.EventType`` — the model and its types;
  ``Event.envelope()`` / ``body()``.

Import rule: this ``__init__`` re-exports only the model and the signal. ``cms.models``
imports the event models while the app registry loads, before the page models exist, so
``record`` (which builds payloads through ``cms.representation`` and so needs the page models)
is imported from ``cms.events.recording``. Only this package writes events (see
ARCHITECTURE.md, "The flows"); it never imports ``cms.api``.
"""

from .models import Event, EventType
from .signals import event_committed

__all__ = ["Event", "EventType", "event_committed"]
