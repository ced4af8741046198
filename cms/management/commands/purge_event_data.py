"""``manage.py purge_event_data``: the retention purge on demand (the relay runs it daily).

Drops the data of superseded events older than ``KANAL_EVENT_DATA_RETENTION_DAYS`` and the
text of feedback comments older than ``KANAL_FEEDBACK_RETENTION_DAYS``; prints a summary.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cms.events import retention


class Command(BaseCommand):
    help = "Remove event data and feedback comments past their retention period."

    def handle(self, *args, **options) -> None:
        summary = retention.purge()
        self.stdout.write(str(summary))
