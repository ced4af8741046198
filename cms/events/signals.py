"""Signals the event core sends. Receivers live in other apps (syndication); cms imports none."""

from django.dispatch import Signal

# Sent after the transaction that recorded an event commits. Arguments: ``event_id`` (str).
# Receivers must only enqueue work: the event row is the truth, the relay redoes anything a
# crash between commit and enqueue leaves undone.
event_committed = Signal()
