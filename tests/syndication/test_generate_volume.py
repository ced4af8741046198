"""``manage.py generate_volume``: the growth benchmark's data, written as Wagtail would leave it."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page

from cms.events import Event
from cms.models import ArticleIndexPage, ArticlePage, HomePage
from syndication.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(db):
    root = Page.get_first_root_node()
    with transaction.atomic():
        home = root.add_child(instance=HomePage(title="Volym", slug="volym"))
        return home.add_child(instance=ArticleIndexPage(title="Nyheter", slug="nyheter"))


def generate(**sizes) -> str:
    out = io.StringIO()
    call_command("generate_volume", stdout=out, **sizes)
    return out.getvalue()


def test_pages_events_and_history_up_to_the_sizes_asked(index):
    generate(pages=30, delivered=100, endpoints=2)
    assert ArticlePage.objects.live().child_of(index).count() == 30
    assert all(not problems for problems in Page.find_problems())  # a sound tree
    page = ArticlePage.objects.get(slug="volym-7")
    assert page.url_path.endswith("/nyheter/volym-7/") and page.intro
    assert Event.objects.filter(type="page.published").count() == 30
    assert list(Event.objects.values_list("sequence", flat=True)) == list(range(1, 31))
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 100
    assert generate(pages=30, delivered=100).startswith("Added 0 pages and 0")


def test_a_site_without_an_article_index_is_refused_with_a_reason(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed_demo"):
        generate(pages=1)
