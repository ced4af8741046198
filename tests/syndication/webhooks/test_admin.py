"""The webhook admin: secret shown once, recent deliveries, test / retry / replay / rotate."""

import re
from datetime import timedelta

import pytest
import standardwebhooks
from django.urls import reverse
from django.utils import timezone

from cms.events import Event
from syndication.models import Delivery, DeliveryStatus, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaktor", "r@example.org", "pw")
    client.force_login(user)
    return client


def deliveries_url(endpoint):
    return reverse("webhooks:deliveries", args=[endpoint.pk])


class TestEndpointAdmin:
    def test_create_shows_the_secret_once(self, editor, receiver):
        response = editor.post(
            reverse("webhooks:add"),
            {
                "name": "Skolwebben",
                "url": receiver.url(),
                "event_types": ["page.published"],
                "active": "on",
            },
        )
        assert response.status_code == 200
        endpoint = WebhookEndpoint.objects.get()
        assert endpoint.event_types == ["page.published"]
        shown = re.search(r"data-webhook-secret[^>]*>(whsec_[^<]+)<", response.content.decode())
        assert shown and shown.group(1) == endpoint.secret
        for url in (
            deliveries_url(endpoint),
            reverse("webhooks:edit", args=[endpoint.pk]),
            reverse("webhooks:index"),
        ):
            assert endpoint.secret not in editor.get(url).content.decode()

    def test_private_url_is_refused_at_save_with_a_reason(self, editor, settings):
        settings.KANAL_ALLOW_PRIVATE_HOSTS = []
        response = editor.post(
            reverse("webhooks:add"), {"name": "Intern", "url": "http://127.0.0.1:9/hook"}
        )
        assert response.status_code == 200
        assert "private or reserved address" in response.content.decode()
        assert not WebhookEndpoint.objects.exists()

    def test_rotation_shows_the_new_secret_and_keeps_the_old_one_for_a_day(self, editor, endpoint):
        old = endpoint.secret
        response = editor.post(deliveries_url(endpoint), {"action": "rotate"})
        endpoint.refresh_from_db()
        assert endpoint.secret != old and endpoint.secret in response.content.decode()
        assert endpoint.previous_secret == old
        assert endpoint.signing_secrets() == [endpoint.secret, old]

    def test_deliveries_page_lists_recent_deliveries(self, editor, publish, receiver, endpoint):
        receiver.script.append((502, {}))
        publish()
        page = editor.get(deliveries_url(endpoint)).content.decode()
        delivery = Delivery.objects.get()
        assert delivery.event_id in page and "page.published" in page
        assert "502" in page and "HTTP 502" in page

    def test_deliveries_page_counts_by_status_and_shows_the_oldest_pending_age(
        self, editor, publish, receiver, endpoint
    ):
        import time_machine

        start = timezone.now() - timedelta(hours=3)
        # Retry in a day: not due when the later publishes drain the endpoint.
        receiver.script.append((503, {"Retry-After": "86400"}))
        with time_machine.travel(start, tick=False):
            publish()
        publish()
        publish()  # one pending (3 hours old), two delivered
        html = editor.get(deliveries_url(endpoint)).content.decode()
        counts = dict(re.findall(r"<dt>([^<]+)</dt><dd data-count>(\d+)</dd>", html))
        assert counts == {"Väntar": "1", "Levererad": "2", "Misslyckad": "0", "Avbruten": "0"}
        oldest = re.search(r"<dd data-oldest-pending>([^<]+)</dd>", html).group(1)
        assert oldest.startswith("3\xa0timmar") or oldest.startswith("3 timmar"), oldest

    def test_form_offers_every_event_type_with_swedish_labels_and_private_flag_off(self, editor):
        from cms.events import EventType

        html = editor.get(reverse("webhooks:add")).content.decode()
        for value, label in EventType.choices:
            assert f'value="{value}"' in html and str(label) in html
        assert "sidans åtkomst ändrad" in html and "person ändrad" in html
        assert 'name="include_private_content"' in html
        assert not WebhookEndpoint._meta.get_field("include_private_content").default

    def test_send_test_event_is_signed_and_reported(self, editor, receiver, endpoint):
        response = editor.post(deliveries_url(endpoint), {"action": "test"}, follow=True)
        [request] = receiver.requests
        envelope = standardwebhooks.Webhook(endpoint.secret).verify(
            request["body"], request["headers"]
        )
        assert envelope["type"] == "webhook.test"
        assert "levererades" in response.content.decode()
        assert Event.objects.count() == 0  # a test is not a change: not in the change feed

    def test_retry_one_failed_delivery(
        self, editor, publish, receiver, endpoint, django_capture_on_commit_callbacks
    ):
        receiver.script.append((500, {}))
        publish()
        delivery = Delivery.objects.get()
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
        with django_capture_on_commit_callbacks(execute=True):
            editor.post(deliveries_url(endpoint), {"action": "retry", "delivery": delivery.pk})
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert len(receiver.requests) == 2

    def test_replay_since_a_date_makes_matching_events_due_again(
        self, editor, publish, receiver, endpoint, relay_pass
    ):
        publish()
        publish()
        assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2
        since = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        response = editor.post(
            deliveries_url(endpoint), {"action": "replay", "since": since}, follow=True
        )
        assert "2 händelser skickas om" in response.content.decode()
        relay_pass()
        assert len(receiver.requests) == 4
        assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2

    def test_disabled_endpoint_is_announced_on_the_dashboard(self, editor, endpoint):
        endpoint.disable("Every delivery has failed since 2026-03-01.")
        page = editor.get(reverse("wagtailadmin_home")).content.decode()
        assert "Avstängda webhooks" in page and endpoint.name in page
        assert "Every delivery has failed" in page
