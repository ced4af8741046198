from django.urls import path

from .pull import views as pull_views

urlpatterns = [
    path(
        "websub/<int:source_id>/<str:token>/",
        pull_views.websub_callback,
        name="syndication_websub_callback",
    ),
]
