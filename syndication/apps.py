from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "syndication"
    verbose_name = "Syndikering"
    default_auto_field = "django.db.models.BigAutoField"
