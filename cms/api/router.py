"""The URL map of ``/api/v2/``: Wagtail's router for the viewsets plus plain views."""

from __future__ import annotations

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter

from .endpoints import (
    DocumentsEndpoint,
    ImagesEndpoint,
    KanalPagesAPIViewSet,
    OrganisationUnitsEndpoint,
    PeopleEndpoint,
    ThemesEndpoint,
)

api_router = WagtailAPIRouter("kanalapi")
api_router.register_endpoint("pages", KanalPagesAPIViewSet)
api_router.register_endpoint("images", ImagesEndpoint)
api_router.register_endpoint("documents", DocumentsEndpoint)
api_router.register_endpoint("themes", ThemesEndpoint)
api_router.register_endpoint("people", PeopleEndpoint)
api_router.register_endpoint("organisation-units", OrganisationUnitsEndpoint)


def get_urlpatterns() -> list:
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

    from .feedback import FeedbackView
    from .preview import PreviewView

    return [
        path("preview/<int:pk>/", PreviewView.as_view(), name="kanalapi-preview"),
        path("feedback/", FeedbackView.as_view(), name="kanalapi-feedback"),
        path("schema/", SpectacularAPIView.as_view(), name="kanalapi-schema"),
        path(
            "docs/",
            SpectacularSwaggerView.as_view(url_name="kanalapi-schema"),
            name="kanalapi-docs",
        ),
        path("", api_router.urls),
    ]


urlpatterns = get_urlpatterns()
