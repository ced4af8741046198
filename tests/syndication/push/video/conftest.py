"""Video push fixtures: a video archive, an editor who publishes VideoPages the way the admin
does, and the loopback PeerTube and YouTube fakes that validate every request against the
services' published API documents."""

from __future__ import annotations

import json
import os
import uuid

import pytest
import yaml
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from cms.models import HomePage, VideoIndexPage, VideoPage
from syndication.push import delivery as push_delivery
from syndication.push.models import PushDelivery, PushTarget
from syndication.push.video_models import VideoChannel
from tests.support.apidoc import peertube_document_path, youtube_discovery_path
from tests.support.peertube import FakePeerTube
from tests.support.youtube import FakeYouTube
from tests.syndication.push.conftest import Editor


def _missing(what: str, how: str):
    message = f"{what} is not available: {how}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def peertube_document() -> dict:
    path = peertube_document_path()
    if path is None:
        # Not _missing(): the document is not a package on any registry this machine kind can
        # reach, and it may not be committed here (it would be fetched third-party material),
        # so a clean clone cannot have it, under CI either. The skip names what to provide.
        pytest.skip(
            "PeerTube's OpenAPI document is not available: put support/doc/api/openapi.yaml "
            "of Chocobozzz/PeerTube at ../shared/apidocs/peertube-openapi.yaml or point "
            "KANAL_PEERTUBE_OPENAPI at it"
        )
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="session")
def youtube_document() -> dict:
    path = youtube_discovery_path()
    if path is None:
        _missing(
            "YouTube's discovery document", "pip install -e '.[dev]' (google-api-python-client)"
        )
    return json.loads(path.read_text())


@pytest.fixture
def video_index(db):
    root = Page.get_first_root_node()
    home = HomePage(title="Kanal video", slug="kanal-video")
    index = VideoIndexPage(title="Filmer", slug="filmer")
    with transaction.atomic():
        root.add_child(instance=home)
        home.save_revision().publish()
        home.add_child(instance=index)
        index.save_revision().publish()
    return VideoIndexPage.objects.get(pk=index.pk)


class VideoEditor(Editor):
    """Publishes, edits, unpublishes and deletes VideoPages as the admin does (one
    transaction each, after-commit hooks run: dispatch -> push, in-process)."""

    model = VideoPage

    def publish_new(self, title: str, video_url: str, tags=(), **fields) -> VideoPage:
        page = VideoPage(
            title=title,
            slug=f"video-{uuid.uuid4().hex[:10]}",
            video_url=video_url,
            live=False,
            **fields,
        )
        with self.capture(execute=True), transaction.atomic():
            self.index.add_child(instance=page)
            if tags:
                page.tags.set(list(tags))
            page.save_revision().publish()
        page.refresh_from_db()
        return page


@pytest.fixture
def video_editor(video_index, django_capture_on_commit_callbacks):
    return VideoEditor(video_index, django_capture_on_commit_callbacks)


def run_due(now=None) -> int:
    """One relay pass over push deliveries that are due: attempt each (leases and policy as
    in production). Returns how many were attempted."""
    now = now or timezone.now()
    due = list(
        PushDelivery.objects.pending()
        .filter(next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        push_delivery.attempt(pk)
    return len(due)


# The host name the fake's videos are published under (the API itself is on 127.0.0.1).
PEERTUBE_HOST = "video.kanal-test.se"


@pytest.fixture
def peertube(peertube_document, allow_loopback):
    with FakePeerTube(peertube_document) as server:
        yield server
    assert not server.violations, server.violations


@pytest.fixture
def pt_target(peertube, db) -> PushTarget:
    target = PushTarget(
        kind="peertube", name="Skolans PeerTube", endpoint=peertube.url, username=peertube.username
    )
    target.set_secret(peertube.password)
    target.save()
    VideoChannel.objects.create(
        target=target,
        channel=peertube.channel,
        category=13,
        language="sv",
        instance_host=PEERTUBE_HOST,
    )
    return target


@pytest.fixture
def youtube(youtube_document, allow_loopback):
    with FakeYouTube(youtube_document) as server:
        yield server
    assert not server.violations, server.violations


@pytest.fixture
def yt_target(youtube, db) -> PushTarget:
    target = PushTarget(kind="youtube", name="Skolans YouTube", endpoint=youtube.root_url)
    target.set_secret(youtube.refresh_token)
    target.save()
    channel = VideoChannel(
        target=target,
        channel=youtube.channel_id,
        client_id=youtube.client_id,
        token_url=youtube.token_url,
    )
    channel.set_client_secret(youtube.client_secret)
    channel.save()
    return target
