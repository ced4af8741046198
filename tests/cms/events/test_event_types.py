"""Every change a consumer needs is an event, recorded in the change's transaction with a
version per object: privacy, expiry, URL changes, and the snippets and media pages show."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms.events import Event
from cms.events.reconcile import reconcile
from cms.models import ArticleIndexPage, ArticlePage, Person
from themes.models import Theme

pytestmark = pytest.mark.django_db


def types_for(kind, pk):
    return list(
        Event.objects.for_object(kind, pk).order_by("version").values_list("type", "version")
    )


def last(kind, pk) -> Event:
    return Event.objects.for_object(kind, pk).order_by("-version").first()


class TestPrivacyChanged:
    def test_restriction_on_a_parent_is_an_event_for_it_and_every_live_descendant(
        self, make_article, article_index
    ):
        live, draft = make_article(), make_article(publish=False)
        with transaction.atomic():
            restriction = PageViewRestriction.objects.create(
                page=article_index, restriction_type="login"
            )
        assert types_for("page", live.pk) == [("page.published", 1), ("page.privacy_changed", 2)]
        assert types_for("page", article_index.pk)[-1] == ("page.privacy_changed", 2)
        assert types_for("page", draft.pk) == []  # consumers never saw it
        with transaction.atomic():
            restriction.delete()
        assert types_for("page", live.pk)[-1] == ("page.privacy_changed", 3)
        assert last("page", live.pk).data["title"] == live.title
        assert reconcile() == 0

    def test_rolled_back_restriction_records_nothing(self, make_article, article_index):
        page = make_article()
        with pytest.raises(RuntimeError), transaction.atomic():
            PageViewRestriction.objects.create(page=page, restriction_type="login")
            raise RuntimeError
        assert types_for("page", page.pk) == [("page.published", 1)]


class TestUrlChanged:
    def test_a_published_slug_change_is_an_event_for_every_live_descendant(
        self, make_article, article_index
    ):
        child = make_article()
        article_index.slug = "aktuellt"
        with transaction.atomic():
            article_index.save_revision().publish()
        event = last("page", child.pk)
        assert (event.type, event.version) == ("page.url_changed", 2)
        assert "/aktuellt/" in event.data["meta"]["html_url"]
        assert last("page", article_index.pk).type == "page.published"

    def test_republishing_without_a_slug_change_records_no_url_change(
        self, make_article, article_index
    ):
        child = make_article()
        article_index.title = "Ny rubrik"
        with transaction.atomic():
            article_index.save_revision().publish()
        assert types_for("page", child.pk) == [("page.published", 1)]

    def test_moving_a_parent_moves_it_and_changes_its_descendants_urls(
        self, make_article, article_index
    ):
        child = make_article()
        home = article_index.get_parent()
        other = home.add_child(instance=ArticlePage(title="Annan", slug="annan"))
        with transaction.atomic():
            other.save_revision().publish()
        with transaction.atomic():
            article_index.move(other, pos="last-child")
        assert last("page", article_index.pk).type == "page.moved"
        event = last("page", child.pk)
        assert event.type == "page.url_changed"
        assert "/annan/nyheter/" in event.data["meta"]["html_url"]
        # a moved or re-addressed live page is not "missing" its publish event
        assert reconcile() == 0
        # publishing the moved page afterwards is not another URL change for its children
        moved = ArticleIndexPage.objects.get(pk=article_index.pk)
        with transaction.atomic():
            moved.save_revision().publish()
        assert last("page", child.pk).pk == event.pk


class TestExpiry:
    def test_the_relay_records_scheduled_publish_and_expiry(self, make_article):
        """Through the relay's own scheduled-publishing pass, not only the command."""
        from syndication.relay import Relay

        page = make_article(publish=False)
        go_live = timezone.now() + datetime.timedelta(hours=1)
        expire = go_live + datetime.timedelta(days=1)
        page.go_live_at, page.expire_at = go_live, expire
        page.save_revision().publish()
        with time_machine.travel(go_live + datetime.timedelta(minutes=1)):
            Relay(reconcile_every=1e9).run_once()
        assert [t for t, _ in types_for("page", page.pk)] == ["page.published"]
        with time_machine.travel(expire + datetime.timedelta(minutes=1)):
            Relay(reconcile_every=1e9).run_once()
        page.refresh_from_db()
        assert not page.live and page.expired
        assert types_for("page", page.pk) == [("page.published", 1), ("page.expired", 2)]


class TestShownObjects:
    def test_person_update_and_delete_list_the_pages_that_show_them(self, make_article):
        person = Person.objects.create(name="Anna Lärare", email="anna@example.org")
        assert types_for("person", person.pk) == []  # created: no page shows it yet
        page = make_article()
        page.author = person
        with transaction.atomic():
            page.save_revision().publish()
        person.role = "Rektor"
        person.save()
        event = last("person", person.pk)
        assert (event.type, event.data) == ("person.updated", {"pages": [page.pk]})
        assert event.object_type == "cms.Person"
        person_id = person.pk
        with transaction.atomic():
            person.delete()
        event = last("person", person_id)
        assert (event.type, event.version, event.data) == (
            "person.deleted",
            2,
            {"pages": [page.pk]},
        )

    def test_theme_update_lists_its_pages(self, make_article):
        theme = Theme.objects.create(name="Ledarskap", slug="ledarskap")
        page = make_article()
        page.themes.add(theme)
        with transaction.atomic():
            page.save_revision().publish()
        theme.description = "Om ledarskap"
        theme.save()
        assert last("theme", theme.pk).data == {"pages": [page.pk]}
        assert last("theme", theme.pk).type == "theme.updated"

    def test_organisation_unit_update_lists_the_pages_of_its_people(self, make_article):
        from cms.models import OrganisationUnit

        unit = OrganisationUnit.objects.create(name="Utvecklingsenheten")
        person = Person.objects.create(name="Bo", organisation_unit=unit)
        page = make_article()
        page.author = person
        with transaction.atomic():
            page.save_revision().publish()
        unit.phone = "08-123 45"
        unit.save()
        event = last("organisation_unit", unit.pk)
        assert (event.type, event.data) == ("organisation_unit.updated", {"pages": [page.pk]})

    def test_document_update_and_delete_list_the_pages_that_offer_it(self, make_article):
        from django.core.files.base import ContentFile
        from wagtail.documents import get_document_model

        document = get_document_model()(title="Plan")
        document.file.save("plan.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
        document.save()
        page = make_article()
        page.body = [{"type": "documents", "value": {"heading": "", "documents": [document.pk]}}]
        with transaction.atomic():
            page.save_revision().publish()
        document.title = "Plan 2027"
        document.save()
        assert (last("document", document.pk).type, last("document", document.pk).data) == (
            "document.updated",
            {"pages": [page.pk]},
        )
        document_id = document.pk
        with transaction.atomic():
            document.delete()
        assert last("document", document_id).type == "document.deleted"

    def test_unused_object_deleted_records_nothing(self, db):
        person = Person.objects.create(name="Ingen")
        person_id = person.pk
        person.delete()
        assert types_for("person", person_id) == []


class TestFeedbackReceived:
    def test_counts_only_never_the_comment(self, client, make_article):
        page = make_article()
        for useful in (True, False, True):
            response = client.post(
                "/api/v2/feedback/",
                {"page": page.pk, "useful": useful, "comment": "hemlig kommentar"},
                content_type="application/json",
            )
            assert response.status_code == 201
        event = Event.objects.filter(type="feedback.received").order_by("-sequence").first()
        assert event.data == {"page": page.pk, "useful": 2, "not_useful": 1}
        assert "hemlig" not in event.body().decode()
        assert event.object_kind == "feedback"
