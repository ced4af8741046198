"""Poll sources now: ``manage.py poll_sources [--source ID ...] [--all]``.

Without arguments, polls the sources that are due; ``--all`` polls every active source;
``--source`` the given ones (even if inactive). Shows a progress bar and a summary table, and
exits non-zero when any poll failed, with one clear line per failure.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from syndication.pull.models import PollOutcome, Source
from syndication.pull.tasks import poll


class Command(BaseCommand):
    help = "Fetch and import syndication sources (due ones by default)."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, action="append", default=[], metavar="ID")
        parser.add_argument("--all", action="store_true", help="every active source")

    def handle(self, *args, **options):
        if options["source"]:
            sources = list(Source.objects.filter(pk__in=options["source"]).order_by("pk"))
            missing = set(options["source"]) - {s.pk for s in sources}
            if missing:
                raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}.")
        elif options["all"]:
            sources = list(Source.objects.active().order_by("pk"))
        else:
            sources = list(Source.objects.due(timezone.now()).order_by("next_poll_at"))
        if not sources:
            self.stdout.write("Nothing to poll.")
            return
        reports = []
        for number, source in enumerate(sources, start=1):
            self._progress(number, len(sources), source.name)
            reports.append((source, poll(source)))
        self.stdout.write("")
        self._table(reports)
        for source, report in reports:
            if report.outcome == PollOutcome.BUSY:
                self.stdout.write(f"Source {source.pk} ({source.name}): {report.error}")
        failures = [
            (s, r) for s, r in reports if r.outcome in (PollOutcome.FAILED, PollOutcome.REFUSED)
        ]
        for source, report in failures:
            self.stderr.write(f"Source {source.pk} ({source.name}): {report.error}")
        if failures:
            sys.exit(1)

    def _progress(self, done: int, total: int, label: str) -> None:
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}", ending="")
        self.stdout.flush()

    def _table(self, reports) -> None:
        rows = [("ID", "Source", "Outcome", "New", "Updated", "Skipped", "Seconds")]
        totals = [0, 0, 0]
        for source, report in reports:
            rows.append(
                (
                    str(source.pk),
                    source.name[:40],
                    str(report.outcome or "-"),
                    str(report.created),
                    str(report.updated),
                    str(len(report.skipped)),
                    f"{report.seconds:.2f}",
                )
            )
            totals[0] += report.created
            totals[1] += report.updated
            totals[2] += len(report.skipped)
        rows.append(("", "Total", "", *map(str, totals), ""))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
            if index == 0 or index == len(rows) - 2:
                self.stdout.write("  ".join("-" * w for w in widths))
