"""``manage.py video_targets``: the video channels Kanal pushes to (PeerTube, YouTube).

    manage.py video_targets add peertube URL --channel HANDLE --username U --password-env VAR
        [--privacy 1-4] [--category N] [--language sv] [--instance-host HOST] [--store]
    manage.py video_targets add youtube --channel UC… --client-id ID
        --client-secret-env VAR --refresh-token-env VAR [--budget UNITS] [--store]
    manage.py video_targets quota            today's YouTube spend and what waits
    manage.py video_targets relink --page ID --target ID [--video URL]

As with ``targets``, secrets never come on the command line: name an environment variable,
read at push time, or add ``--store`` to encrypt its current value with
``KANAL_CREDENTIALS_KEY``.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from syndication.push import quota
from syndication.push.credentials import CredentialsError
from syndication.push.models import PushTarget, SyndicationRecord, TargetKind
from syndication.push.peertube import relink
from syndication.push.video_models import VideoChannel
from syndication.push.youtube import ROOT_URL
from syndication.tasks import enqueue_push_deliveries


def _secret(options, name: str, flag: str) -> tuple[str, str]:
    """(environment variable name, value to encrypt) for one secret option."""
    env = options[name]
    if not env:
        raise CommandError(f"Name the environment variable with the secret: {flag} VAR.")
    if options["store"]:
        value = os.environ.get(env, "")
        if not value:
            raise CommandError(f"--store: the environment variable {env} is empty or unset.")
        return "", value
    return env, ""


class Command(BaseCommand):
    help = "Add video targets (PeerTube, YouTube), show the YouTube quota, relink a record."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a PeerTube or YouTube target.")
        add.add_argument("kind", choices=[TargetKind.PEERTUBE.value, TargetKind.YOUTUBE.value])
        add.add_argument("url", nargs="?", default="", help="PeerTube: the instance's address.")
        add.add_argument("--name", default="")
        add.add_argument("--channel", required=True, help="PeerTube handle / YouTube channel id.")
        add.add_argument("--username", default="")
        add.add_argument("--password-env", default="")
        add.add_argument("--client-id", default="")
        add.add_argument("--client-secret-env", default="")
        add.add_argument("--refresh-token-env", default="")
        add.add_argument("--privacy", type=int, choices=[1, 2, 3, 4], default=1)
        add.add_argument("--category", type=int, default=None)
        add.add_argument("--language", default="sv")
        add.add_argument("--instance-host", default="")
        add.add_argument("--budget", type=int, default=None, help="YouTube units per day.")
        add.add_argument("--store", action="store_true")
        sub.add_parser("quota", help="Today's YouTube quota spend and waiting updates.")
        re = sub.add_parser("relink", help="Point a PeerTube record at a video, or re-import.")
        re.add_argument("--page", type=int, required=True)
        re.add_argument("--target", type=int, required=True)
        re.add_argument("--video", default="", help="URL or id; omit to import again.")

    def handle(self, *args, **options):
        try:
            return getattr(self, f"_{options['action']}")(options)
        except CredentialsError as exc:
            raise CommandError(str(exc)) from exc

    def _add(self, options) -> None:
        kind = options["kind"]
        target = PushTarget(
            kind=kind,
            name=options["name"] or f"{kind}: {options['channel']}",
            page_types=["cms.VideoPage"],
        )
        channel = VideoChannel(
            channel=options["channel"],
            privacy=options["privacy"],
            category=options["category"],
            language=options["language"],
            instance_host=options["instance_host"],
            daily_budget=options["budget"],
        )
        if kind == TargetKind.PEERTUBE:
            if not (options["url"] and options["username"]):
                raise CommandError("PeerTube needs the instance URL and --username.")
            target.endpoint, target.username = options["url"], options["username"]
            env, value = _secret(options, "password_env", "--password-env")
        else:
            if not options["client_id"]:
                raise CommandError("YouTube needs --client-id (the OAuth client).")
            target.endpoint = ROOT_URL
            channel.client_id = options["client_id"]
            secret_env, secret = _secret(options, "client_secret_env", "--client-secret-env")
            channel.client_secret_env = secret_env
            if secret:
                channel.set_client_secret(secret)
            env, value = _secret(options, "refresh_token_env", "--refresh-token-env")
        target.credentials_env = env
        if value:
            target.set_secret(value)
        with transaction.atomic():
            target.full_clean(exclude=["endpoint"] if kind == TargetKind.YOUTUBE else None)
            target.save()
            channel.target = target
            channel.save()
        self.stdout.write(self.style.SUCCESS(f"Added {kind} target {target.pk}: {target.name}"))

    def _quota(self, options) -> None:
        now = timezone.now()
        targets = PushTarget.objects.filter(kind=TargetKind.YOUTUBE)
        if not targets:
            self.stdout.write("No YouTube targets.")
        for target in targets:
            day = quota.today(target, now)
            exhausted = " (YouTube says: quota exceeded)" if day.exhausted else ""
            self.stdout.write(
                f"{target.name}: {day.spent}/{day.budget} units on {day.day} (Pacific)"
                f"{exhausted}; {day.waiting} page(s) waiting; "
                f"reset {day.reset_at:%Y-%m-%d %H:%M} UTC"
            )

    def _relink(self, options) -> None:
        record = SyndicationRecord.objects.filter(
            page_id=options["page"], target_id=options["target"], target__kind=TargetKind.PEERTUBE
        ).first()
        if record is None:
            raise CommandError("No PeerTube record for that page and target.")
        delivery = relink(record, options["video"] or None)
        enqueue_push_deliveries([delivery.pk])
        what = options["video"] or "a new import"
        self.stdout.write(self.style.SUCCESS(f"Record {record.pk} relinked to {what}."))
