"""``manage.py import_opml FILE --index PAGE_ID [--moderate] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from cms.models import ArticleIndexPage, VideoIndexPage
from syndication.pull.models import ImportPolicy
from syndication.pull.opml import OPMLError, import_opml


class Command(BaseCommand):
    help = "Create sources from an OPML file (existing feed URLs are skipped)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--index", type=int, required=True, help="index page id")
        parser.add_argument("--moderate", action="store_true", help="import as drafts")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.") from exc
        page = Page.objects.filter(pk=options["index"]).first()
        if page is None or page.specific_class not in (ArticleIndexPage, VideoIndexPage):
            raise CommandError(f"Page {options['index']} is not an article or video index.")
        policy = ImportPolicy.MODERATE if options["moderate"] else ImportPolicy.PUBLISH
        try:
            result = import_opml(data, page, policy=policy, dry_run=options["dry_run"])
        except OPMLError as exc:
            raise CommandError(str(exc)) from exc
        for source in result.created:
            self.stdout.write(f"+ {source.name}  {source.feed_url}")
        for reason in result.skipped:
            self.stdout.write(f"- {reason}")
        verb = "Would create" if options["dry_run"] else "Created"
        self.stdout.write(f"{verb} {len(result.created)} sources, skipped {len(result.skipped)}.")
