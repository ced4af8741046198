from django.urls import path

from .views import ChangeFeedView

urlpatterns = [path("", ChangeFeedView.as_view(), name="change_feed")]
