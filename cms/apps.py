from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .api.invalidation import register_signal_handlers as register_api_handlers
        from .events.handlers import register_signal_handlers as register_event_handlers

        register_event_handlers()
        register_api_handlers()
