from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Innehåll"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .api.invalidation import register_signal_handlers

        register_signal_handlers()
