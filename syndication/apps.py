from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "syndication"
    verbose_name = "Syndikering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()

        from .push import echo, peertube, published, youtube

        echo.register()
        published.register()
        peertube.register()
        youtube.register()

        from .pull import review

        review.register()
