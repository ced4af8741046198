"""``manage.py worker``: django-tasks-db's ``db_worker`` that survives a database restart.

``db_worker`` exits on the first database error that is not a lock (a PostgreSQL restart,
a dropped connection). Under ``make run`` that stops every process; in production it needs a
supervisor. This command runs the same worker and, on such an error, drops the connections,
waits a moment and starts polling again. A task interrupted by the outage loses nothing: its
delivery's lease expires and the relay enqueues it again. Same options as ``db_worker``.
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger("django_tasks_db")

RECONNECT_PAUSE = 1.0


class Command(DbWorkerCommand):
    help = "Run a database task worker that reconnects after database outages."

    def handle(self, *args, **options):
        while True:
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as exc:
                logger.warning("Database unavailable (%s); reconnecting", exc)
                connections.close_all()
                time.sleep(RECONNECT_PAUSE)
