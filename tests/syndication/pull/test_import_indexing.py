"""A poll indexes its pages for search and references in one batch (``cms.indexing``), and
the index ends up as per-save indexing would have left it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.signals import task_enqueued
from wagtail.models import ReferenceIndex
from wagtail.rich_text import RichText

from cms.models import ArticlePage
from syndication.models import ImportedItem
from syndication.pull.pipeline import poll_source
from themes.models import Theme

from .test_imported_images import image_server, picture  # noqa: F401 (a fixture)

WORDS = ["kvastskaft", "lingonris", "snöslunga"]


def rss(entries: list[tuple[int, str]], image: str = "") -> bytes:
    picture = f'<p><img src="{image}" alt="Skolgården"></p>' if image else ""
    items = "".join(
        f"<item><title>Inlägg {n}</title><guid>https://blog.example.org/p/{n}</guid>"
        f"<link>https://blog.example.org/p/{n}</link>"
        f"<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><category>Matematik</category>"
        f"<description><![CDATA[<p>Om {word} och <strong>lärande</strong>.</p>{picture}]]>"
        f"</description></item>"
        for n, word in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Blogg</title>'
        f"<link>https://blog.example.org/</link>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def enqueued():
    names: list[str] = []

    def note(sender, task_result, **kwargs):
        names.append(task_result.task.name)

    task_enqueued.connect(note)
    yield names
    task_enqueued.disconnect(note)


@pytest.mark.django_db
def test_a_poll_indexes_its_pages_in_one_batch(
    feed_server,
    image_server,  # noqa: F811 (the fixture imported above)
    make_source,
    enqueued,
    django_capture_on_commit_callbacks,
):
    Theme.objects.create(name="Matematik")
    image = image_server.serve("/uploads/red.png", picture())
    source = make_source(url=feed_server.serve("/feed.xml", rss(list(enumerate(WORDS)), image)))
    enqueued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = poll_source(source)

    assert report.created == 3
    # One search task and one reference task for the poll, none per save.
    assert enqueued.count("index_objects_task") == 1
    assert enqueued.count("update_references_task") == 1
    assert "insert_or_update_object_task" not in enqueued
    assert "update_reference_index_task" not in enqueued
    pages = ArticlePage.objects.filter(
        pk__in=ImportedItem.objects.filter(source=source).values("page_id")
    )
    for n, word in enumerate(WORDS):
        found = list(ArticlePage.objects.live().search(word))
        assert [page.title for page in found] == [f"Inlägg {n}"]
    for page in pages:
        rows = set(ReferenceIndex.get_references_for_object(page).values_list("to_object_id"))
        assert rows  # the stored image in its body
        ReferenceIndex.create_or_update_for_object(page)  # what a per-save update would write
        assert set(ReferenceIndex.get_references_for_object(page).values_list("to_object_id")) == (
            rows
        )


@pytest.mark.django_db
def test_saves_outside_an_import_are_indexed_per_save_as_before(
    feed_server, make_source, pull_tree, enqueued, django_capture_on_commit_callbacks
):
    source = make_source(url=feed_server.serve("/feed.xml", rss([(1, "kvastskaft")])))
    with django_capture_on_commit_callbacks(execute=True):
        poll_source(source)  # installs the deferral gate
    enqueued.clear()

    page = ArticlePage(
        title="Handskrivet", slug="handskrivet", intro="Ingress",
        body=[("paragraph", RichText("<p>Om hallonbuskar.</p>"))],
    )  # fmt: skip
    pull_tree["articles"].add_child(instance=page)
    page.save_revision().publish()

    assert "insert_or_update_object_task" in enqueued
    assert "index_objects_task" not in enqueued
    assert [p.pk for p in ArticlePage.objects.live().search("hallonbuskar")] == [page.pk]


@pytest.mark.django_db
def test_the_poll_after_a_dead_poller_indexes_the_sources_pages_again(
    feed_server, make_source, django_capture_on_commit_callbacks
):
    """A poller killed mid-poll committed pages but never ran its batch: the next poll, which
    finds the lease it left behind, indexes all of the source's pages again."""
    from wagtail.search.models import IndexEntry

    source = make_source(url=feed_server.serve("/feed.xml", rss(list(enumerate(WORDS)))))
    with django_capture_on_commit_callbacks(execute=True):
        poll_source(source)
    IndexEntry.objects.all().delete()  # as if the batch never ran
    assert not ArticlePage.objects.live().search(WORDS[0])
    source.refresh_from_db()
    source.poll_lease_until = timezone.now() - timedelta(minutes=1)  # the dead poller's lease
    source.save(update_fields=["poll_lease_until"])

    with django_capture_on_commit_callbacks(execute=True):
        report = poll_source(source)

    assert report.created == report.updated == 0
    for n, word in enumerate(WORDS):
        assert [page.title for page in ArticlePage.objects.live().search(word)] == [f"Inlägg {n}"]
