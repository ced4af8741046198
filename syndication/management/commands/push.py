"""``manage.py push [--page ID] [--target ID] [--all-due] [--retry-failed]``: push now, with
progress and a summary table; exit status 1 when any push failed.

``--page``/``--target`` queue a manual push of the live page(s) (all matching targets or
one) and attempt it at once; ``--all-due`` attempts every push delivery that is due (what the
relay would wake); ``--retry-failed`` gives the pushes that were given up (``push.policy``) a
new series of attempts and makes the first at once — there ``--page``/``--target`` only narrow
which failed pushes are retried. Attempts go through the same leases and policy as the
workers, so running this beside them is safe.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from wagtail.models import Page

from syndication.push import delivery
from syndication.push.dispatch import push_again
from syndication.push.models import PushDelivery, PushTarget, SyndicationRecord


class Command(BaseCommand):
    help = "Push pages to their targets now."

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, action="append", default=[])
        parser.add_argument("--target", type=int, action="append", default=[])
        parser.add_argument("--all-due", action="store_true")
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Retry the pushes that were given up (narrowed by --page/--target).",
        )

    def handle(self, *args, **options):
        if not (
            options["page"] or options["target"] or options["all_due"] or options["retry_failed"]
        ):
            raise CommandError(
                "Say what to push: --page ID, --target ID, --all-due and/or --retry-failed."
            )
        targets = PushTarget.objects.filter(active=True)
        if options["target"]:
            targets = targets.filter(pk__in=options["target"])
            missing = set(options["target"]) - set(targets.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No active target with id {sorted(missing)}.")
        ids: list[int] = []
        if options["retry_failed"]:
            failed = PushDelivery.objects.filter(target__in=targets)
            if options["page"]:
                failed = failed.filter(page_id__in=options["page"])
            ids += delivery.retry_failed(failed)
            self.stderr.write(f"{len(ids)} failed push(es) to retry.")
        elif options["page"] or options["target"]:
            page_ids = options["page"]
            if page_ids:
                found = set(Page.objects.filter(pk__in=page_ids).values_list("pk", flat=True))
                if set(page_ids) - found:
                    raise CommandError(f"No page with id {sorted(set(page_ids) - found)}.")
            for target in targets:
                pages = page_ids or list(
                    SyndicationRecord.objects.filter(target=target).values_list(
                        "page_id", flat=True
                    )
                )
                ids += [push_again(page_id, target).pk for page_id in pages]
        if options["all_due"]:
            ids += list(
                PushDelivery.objects.pending()
                .filter(next_attempt_at__lte=timezone.now(), target__active=True)
                .exclude(pk__in=ids)
                .order_by("next_attempt_at", "version")
                .values_list("pk", flat=True)
            )
        rows = []
        for n, delivery_id in enumerate(ids, 1):
            status = delivery.attempt(delivery_id) or "not attempted (leased or not due)"
            d = PushDelivery.objects.select_related("target").get(pk=delivery_id)
            self.stderr.write(f"[{n}/{len(ids)}] page {d.page_id} -> {d.target.name}: {status}")
            rows.append((str(d.page_id), d.target.name, str(status), d.last_error[:80]))
        self._table(rows)
        failed = [r for r in rows if r[2] in ("failed", "pending")]
        self.stdout.write(
            f"{len(rows)} push(es): {len(rows) - len(failed)} done, {len(failed)} failed."
        )
        if failed:
            raise SystemExit(1)

    def _table(self, rows) -> None:
        header = ("page", "target", "status", "error")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )
