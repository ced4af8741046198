from django.urls import path

from . import views

urlpatterns = [
    path(
        "websub/<int:source_id>/<str:token>/",
        views.websub_callback,
        name="syndication_websub_callback",
    ),
]
