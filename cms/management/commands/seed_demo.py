"""``manage.py seed_demo``: load the demo site. Offline and idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction

from cms.demo.seeder import DemoSeeder


class Command(BaseCommand):
    help = "Load the Swedish demo site (themes, people, programs, articles, videos). Safe to rerun."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = DemoSeeder(log=lambda line: self.stdout.write(f"  {line}")).run()
        if created:
            summary = ", ".join(f"{count} {kind}" for kind, count in sorted(created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo content created: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo content already present; nothing to do."))
