import pytest
from django.db import transaction
from wagtail.models import Page

from cms.models import ArticleIndexPage, ArticlePage, HomePage


@pytest.fixture
def article_index(db):
    """A small published tree (home -> article index), lighter than the demo site."""
    root = Page.get_first_root_node()
    home = HomePage(title="Kanal test", slug="kanal-test")
    index = ArticleIndexPage(title="Nyheter", slug="nyheter")
    with transaction.atomic():
        root.add_child(instance=home)
        home.save_revision().publish()
        home.add_child(instance=index)
        index.save_revision().publish()
    return ArticleIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def make_article(article_index):
    counter = {"n": 0}

    def make(title: str = "Nyhet", publish: bool = True) -> ArticlePage:
        counter["n"] += 1
        page = ArticlePage(
            title=f"{title} {counter['n']}", slug=f"test-nyhet-{counter['n']}", live=False
        )
        with transaction.atomic():
            article_index.add_child(instance=page)
            revision = page.save_revision()
            if publish:
                revision.publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
