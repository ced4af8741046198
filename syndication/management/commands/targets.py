"""``manage.py targets add|list``: push targets for operators and scripts.

    manage.py targets add wordpress URL --username U --password-env VAR [--theme SLUG …]
    manage.py targets add micropub URL --token-env VAR
    manage.py targets list

Secrets are never taken on the command line (they would sit in shell history and ``ps``):
name an environment variable (``--password-env``/``--token-env``), read by the worker at push
time, or add ``--store`` to encrypt the variable's current value with ``KANAL_CREDENTIALS_KEY``.
"""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from syndication.push.credentials import CredentialsError
from syndication.push.models import PushTarget, RecordStatus, TargetKind
from themes.models import Theme


class Command(BaseCommand):
    help = "Add or list push targets (WordPress, Micropub)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a target.")
        add.add_argument("kind", choices=[k.value for k in TargetKind])
        add.add_argument("url", help="WordPress: the blog's address. Micropub: endpoint or site.")
        add.add_argument("--name", default="")
        add.add_argument("--username", default="")
        add.add_argument("--password-env", default="", help="Variable holding the password.")
        add.add_argument("--token-env", default="", help="Variable holding the bearer token.")
        add.add_argument(
            "--store",
            action="store_true",
            help="Encrypt the variable's value into the database instead of reading it later.",
        )
        add.add_argument("--theme", action="append", default=[], help="Theme slug (repeatable).")
        add.add_argument("--tag", action="append", default=[], help="Tag (repeatable).")
        add.add_argument("--page-type", action="append", default=[], help="e.g. cms.ArticlePage")
        add.add_argument("--unpublish", choices=["draft", "trash"], default="draft")
        sub.add_parser("list", help="List targets with health and counts.")

    def handle(self, *args, **options):
        if options["action"] == "add":
            return self._add(options)
        return self._list()

    def _add(self, options) -> None:
        kind, url = options["kind"], options["url"]
        env = options["password_env"] if kind == TargetKind.WORDPRESS else options["token_env"]
        flag = "--password-env" if kind == TargetKind.WORDPRESS else "--token-env"
        if not env:
            raise CommandError(f"Name the environment variable with the secret: {flag} VAR.")
        if kind == TargetKind.WORDPRESS and not options["username"]:
            raise CommandError(
                "A WordPress target needs --username (the application password's user)."
            )
        themes = list(Theme.objects.filter(slug__in=options["theme"]))
        unknown = set(options["theme"]) - {t.slug for t in themes}
        if unknown:
            raise CommandError(f"Unknown theme slug(s): {', '.join(sorted(unknown))}.")
        target = PushTarget(
            kind=kind,
            name=options["name"] or url,
            endpoint=url,
            username=options["username"],
            page_types=options["page_type"],
            tags=options["tag"],
            unpublish_action=options["unpublish"],
        )
        try:
            if options["store"]:
                value = os.environ.get(env, "")
                if not value:
                    raise CommandError(f"The environment variable {env} is empty or not set.")
                target.set_secret(value)
            else:
                target.credentials_env = env
            target.full_clean()
        except CredentialsError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        target.save()
        target.themes.set(themes)
        self.stdout.write(f"Added target {target.pk}: {target.name} ({target.kind}).")

    def _list(self) -> None:
        targets = PushTarget.objects.annotate(
            published=Count("records", filter=Q(records__status=RecordStatus.PUBLISHED)),
            failed=Count("records", filter=Q(records__status=RecordStatus.FAILED)),
        ).order_by("pk")
        rows = [("id", "kind", "name", "health", "active", "published", "failed", "endpoint")]
        for t in targets:
            health = "ok" if t.healthy else "UNHEALTHY"
            rows.append(
                (
                    str(t.pk),
                    t.kind,
                    t.name,
                    health,
                    "yes" if t.active else "no",
                    str(t.published),
                    str(t.failed),
                    t.endpoint,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
