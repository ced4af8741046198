"""The CMS's own change log: the ``Event`` outbox, recording from Wagtail signals, the
reconciler and the change feed.

Public API (stable; other apps import only these names from ``cms.events``):

* ``record(event_type, instance, *, revision=None, data=<page representation>) -> Event`` —
  write an event **inside the transaction that makes the change**. For pages ``data``
  defaults to the page's API representation at ``revision``; for other objects pass it.
  Example, in an import::

      with transaction.atomic():
          page.save_revision().publish()          # page.published recorded by the signal
          record("syndication.imported", page, data={"source": source.pk, "url": url})

* ``event_committed`` — signal sent after commit with ``event_id``; syndication listens.
* ``Event``, ``EventType`` — the model and its types; ``Event.envelope()`` / ``body()``.

Only this package writes events (see ARCHITECTURE.md, "The flows").
"""

from .models import Event, EventType
from .recording import record
from .signals import event_committed

__all__ = ["Event", "EventType", "event_committed", "record"]
