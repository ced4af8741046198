"""syndication listens to the CMS: a committed event wakes its dispatch and, when hubs are
configured, the WebSub publisher."""

from django.conf import settings

from cms.events import event_committed

from .tasks import enqueue_dispatch, enqueue_websub_ping


def on_event_committed(sender, event_id: str, **kwargs) -> None:
    enqueue_dispatch(event_id)


def on_event_committed_ping_hubs(sender, event_id: str, **kwargs) -> None:
    """WebSub publisher: the feeds the event changed owe their hubs a ping."""
    if settings.KANAL_WEBSUB_HUBS:
        enqueue_websub_ping(event_id)


def register_signal_handlers() -> None:
    event_committed.connect(on_event_committed, dispatch_uid="syndication_dispatch_event")
    event_committed.connect(on_event_committed_ping_hubs, dispatch_uid="syndication_websub_ping")
