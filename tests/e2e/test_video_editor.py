"""An editor pastes a video link the CMS does not know, is told so, and fixes it; a video
without transcript or captions is published only once the editor confirms the warning."""

import pytest
from playwright.sync_api import expect
from wagtail.models import Revision

from cms.models import VideoPage

from .admin_ui import field_errors, log_in, publish

pytestmark = pytest.mark.browser


def test_unknown_video_url_is_refused_next_to_the_field_until_fixed(
    live_server, site_tree, editor, page
):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/pages/add/cms/videopage/{site_tree.videos.pk}/")
    page.fill("#id_title", "Matematiklyftet – introduktion")
    page.fill("#id_video_url", "https://www.dailymotion.com/video/x8kanal1")
    publish(page)

    expect(field_errors(page, "video_url")).to_contain_text("Okänd videoadress")
    expect(page.locator("#id_video_url")).to_have_value(
        "https://www.dailymotion.com/video/x8kanal1"
    )
    assert not VideoPage.objects.exists()
    assert not Revision.objects.filter(content_type__model="videopage").exists()

    page.fill("#id_video_url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    publish(page)

    # No transcript and no captions: publishing waits for the editor's confirmation.
    expect(field_errors(page, "publish_without_text_alternative")).to_contain_text(
        "saknar både transkription och undertexter"
    )
    assert not VideoPage.objects.exists()
    page.check("#id_publish_without_text_alternative")
    publish(page)

    expect(page.locator(".messages .success")).to_contain_text("Matematiklyftet – introduktion")
    video = VideoPage.objects.get()
    assert video.live
    assert video.get_parent().pk == site_tree.videos.pk
    assert (video.provider, video.video_id) == ("youtube", "dQw4w9WgXcQ")
    assert video.embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
