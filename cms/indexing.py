"""Deferred search and reference indexing for bulk writers (the feed import).

Wagtail enqueues a search-index task (modelsearch) and a reference-index task on every save
of an indexed model. A page created and published through Wagtail's API is saved three times
(``add_child``, ``save_revision``, ``publish``): six tasks, each reloading the page, and the
database search backend recomputes its title norms over the whole index table on each add.

Inside ``deferred_indexing()`` (per thread; nested blocks join the outermost) a save only
notes what was saved. When the outermost block ends, one search task indexes every noted
object in bulk (``backend.add_bulk`` per model) and one reference task updates their
reference-index rows, both enqueued after the surrounding transaction commits (at once
outside one). The index ends up as the per-save tasks would have left it: each object is
indexed from its state in the database when the task runs.

Outside a block nothing changes: modelsearch's own handler runs as before.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task
from wagtail.signal_handlers import disable_reference_index_auto_update

logger = logging.getLogger(__name__)
_state = threading.local()
_install_lock = threading.Lock()
_installed = False


class _Pending:
    def __init__(self) -> None:
        self.saved: dict[str, set] = defaultdict(set)


def _install() -> None:
    """Put a gate in front of modelsearch's per-save handler (once, after the apps are ready:
    modelsearch connects its handler in its own ``ready``, which runs after ours)."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        from modelsearch import index
        from modelsearch.signal_handlers import post_save_signal_handler

        for model in index.get_indexed_models():
            if post_save.disconnect(post_save_signal_handler, sender=model):
                post_save.connect(_search_on_save, sender=model, weak=False)
        post_save.connect(_note_save, weak=False, dispatch_uid="kanal-deferred-indexing")
        _installed = True


def _search_on_save(sender, instance, **kwargs):
    if getattr(_state, "pending", None) is None:
        from modelsearch.signal_handlers import post_save_signal_handler

        post_save_signal_handler(instance=instance, sender=sender, **kwargs)


def _note_save(sender, instance, raw=False, **kwargs):
    pending = getattr(_state, "pending", None)
    if pending is not None and not raw and instance.pk is not None:
        pending.saved[instance._meta.label].add(str(instance.pk))


def note(model, pks) -> None:
    """Index these objects with the current block's batch (no-op outside a block)."""
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.saved[model._meta.label].update(str(pk) for pk in pks)


def note_pages(page_ids) -> None:
    """``note`` for pages given by id, each under its specific class (as a save would be)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    by_type: dict[int, list[int]] = defaultdict(list)
    for pk, content_type_id in Page.objects.filter(pk__in=list(page_ids)).values_list(
        "pk", "content_type_id"
    ):
        by_type[content_type_id].append(pk)
    for content_type_id, pks in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            note(model, pks)


@contextmanager
def deferred_indexing():
    _install()
    if getattr(_state, "pending", None) is not None:
        yield
        return
    pending = _state.pending = _Pending()
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        _state.pending = None
        _flush(pending)


def _flush(pending: _Pending) -> None:
    from modelsearch import index
    from wagtail.models import ReferenceIndex

    search: dict[str, list[str]] = {}
    references: dict[str, list[str]] = {}
    for label, pks in pending.saved.items():
        model = apps.get_model(label)
        if index.class_is_indexed(model) and getattr(model, "search_auto_update", True):
            search[label] = sorted(pks)
        if model in ReferenceIndex.tracked_models:
            references[label] = sorted(pks)
    if search:
        transaction.on_commit(lambda: index_objects_task.enqueue(search))
    if references:
        transaction.on_commit(lambda: update_references_task.enqueue(references))


@task()
def index_objects_task(objects: dict[str, list[str]]) -> None:
    """Add or update these objects (``{"app.Model": [pk, …]}``) in every auto-updated search
    backend, in bulk per model: what modelsearch's per-save task does for one object."""
    from modelsearch.backends import get_search_backends_with_name

    by_class: dict[type, list] = defaultdict(list)
    for label, pks in objects.items():
        model = apps.get_model(label)
        for obj in model.get_indexed_objects().filter(pk__in=pks):
            instance = obj.get_indexed_instance()
            if instance is not None:
                by_class[type(instance)].append(instance)
    for _name, backend in get_search_backends_with_name(with_auto_update=True):
        for model, instances in by_class.items():
            try:
                backend.add_bulk(model, instances)
            except Exception:
                logger.exception("Bulk indexing of %s failed", model._meta.label)
                if not backend.catch_indexing_errors:
                    raise


@task()
def update_references_task(objects: dict[str, list[str]]) -> None:
    """Wagtail's per-save reference-index update, for each of these objects."""
    from wagtail.tasks import update_reference_index_task

    for label, pks in objects.items():
        app_label, model_name = label.split(".")
        for pk in pks:
            try:
                update_reference_index_task.call(app_label, model_name.lower(), pk)
            except ObjectDoesNotExist:  # deleted since: nothing to record
                continue
