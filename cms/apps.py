from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Innehåll"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .events.handlers import register_signal_handlers

        register_signal_handlers()
