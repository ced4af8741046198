"""syndication listens to the CMS: a committed event wakes its dispatch."""

from cms.events import event_committed

from .tasks import enqueue_dispatch


def on_event_committed(sender, event_id: str, **kwargs) -> None:
    enqueue_dispatch(event_id)


def register_signal_handlers() -> None:
    event_committed.connect(on_event_committed, dispatch_uid="syndication_dispatch_event")
