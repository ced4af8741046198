"""``manage.py ensure_admin``: create the demo superuser if no such user exists."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the superuser admin/changeme "
        "(or $KANAL_ADMIN_USER/$KANAL_ADMIN_PASSWORD) if missing."
    )

    def handle(self, *args, **options):
        username = settings.KANAL_ADMIN_USER
        password = settings.KANAL_ADMIN_PASSWORD
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Superuser '{username}' already exists.")
            return
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                f"Created superuser '{username}' with password '{password}'. "
                "Change it after logging in."
            )
        )
