"""``manage.py send_review_reminders``: the weekly review reminder on demand (the relay sends it
on its own clock).

E-mails every owner of live pages due for review the list of them, one line of progress per
mail. An owner already reminded this period is skipped unless ``--again`` is given. Exits
non-zero if any mail could not be sent.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cms import review


class Command(BaseCommand):
    help = "E-mail page owners the pages that are due for review."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--again",
            action="store_true",
            help="Send even to owners already reminded in this period.",
        )

    def handle(self, *args, again: bool = False, **options) -> None:
        self.stdout.write("Looking for pages due for review…")
        summary = review.send_reminders(again=again, progress=self.stdout.write)
        self.stdout.write(str(summary))
        if summary.failed:
            raise CommandError(
                f"{summary.failed} reminder(s) could not be sent: " + "; ".join(summary.errors)
            )
