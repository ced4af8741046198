"""``manage.py relay``: due deliveries, expired leases, lost dispatches, scheduled publishing
and the reconciler (see ``syndication.relay``). Runs until SIGINT/SIGTERM; ``--once`` runs a
single pass and exits."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from syndication.relay import Relay, default_interval


class Command(BaseCommand):
    help = "Relay due webhook deliveries, recover expired leases and reconcile missing events."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one pass, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between passes (default: KANAL_RELAY_INTERVAL or 1.0).",
        )
        parser.add_argument(
            "--reconcile-every", type=float, default=10.0, help="Seconds between reconciler runs."
        )

    def handle(self, *args, once=False, interval=None, reconcile_every=10.0, **options):
        relay = Relay(reconcile_every=reconcile_every)
        if once:
            report = relay.run_once()
            self.stdout.write(
                f"dispatched {report.dispatched}, enqueued {report.enqueued}, "
                f"reconciled {report.reconciled}, polls {report.polls}"
            )
            return
        stopping = {"now": False}

        def stop(signum, frame):
            stopping["now"] = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        interval = default_interval() if interval is None else interval
        self.stdout.write(f"Relay running every {interval:g} s (Ctrl-C to stop).")
        relay.run_forever(interval, lambda: stopping["now"])
        self.stdout.write("Relay stopped.")
