"""``manage.py export_opml [--output FILE]``: every source as OPML 2.0."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from syndication.pull.opml import export_opml


class Command(BaseCommand):
    help = "Write all sources as OPML 2.0 (stdout by default)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-")

    def handle(self, *args, **options):
        data = export_opml()
        if options["output"] == "-":
            self.stdout.write(data.decode("utf-8"))
        else:
            with open(options["output"], "wb") as handle:
                handle.write(data)
            self.stderr.write(f"Wrote {options['output']}.")
