"""Video URLs are recognised offline: provider, id, embed URL and thumbnail from the URL alone."""

import socket

import pytest

from cms.video_urls import UnknownVideoURL, parse_video_url


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("parse_video_url must not touch the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize(
    ("url", "provider", "video_id", "embed", "thumbnail"),
    [
        (
            "https://www.youtube.com/watch?v=aB3dE5fG7hJ&t=42s",
            "youtube",
            "aB3dE5fG7hJ",
            "https://www.youtube-nocookie.com/embed/aB3dE5fG7hJ",
            "https://i.ytimg.com/vi/aB3dE5fG7hJ/hqdefault.jpg",
        ),
        (
            "https://youtu.be/Zx9Yw8Vu7Ts?si=abc",
            "youtube",
            "Zx9Yw8Vu7Ts",
            "https://www.youtube-nocookie.com/embed/Zx9Yw8Vu7Ts",
            "https://i.ytimg.com/vi/Zx9Yw8Vu7Ts/hqdefault.jpg",
        ),
        (
            "https://m.youtube.com/shorts/Zx9Yw8Vu7Ts",
            "youtube",
            "Zx9Yw8Vu7Ts",
            "https://www.youtube-nocookie.com/embed/Zx9Yw8Vu7Ts",
            "https://i.ytimg.com/vi/Zx9Yw8Vu7Ts/hqdefault.jpg",
        ),
        (
            "https://www.youtube.com/embed/Zx9Yw8Vu7Ts",
            "youtube",
            "Zx9Yw8Vu7Ts",
            "https://www.youtube-nocookie.com/embed/Zx9Yw8Vu7Ts",
            "https://i.ytimg.com/vi/Zx9Yw8Vu7Ts/hqdefault.jpg",
        ),
        (
            "https://vimeo.com/734512908",
            "vimeo",
            "734512908",
            "https://player.vimeo.com/video/734512908",
            "",
        ),
        (
            "https://vimeo.com/channels/staffpicks/734512908",
            "vimeo",
            "734512908",
            "https://player.vimeo.com/video/734512908",
            "",
        ),
        (
            "https://player.vimeo.com/video/734512908?h=1a2b",
            "vimeo",
            "734512908",
            "https://player.vimeo.com/video/734512908",
            "",
        ),
        (
            "https://video.skolfilm.example/w/9xKp2mQvR7sTnW4yZb8cDe",
            "peertube",
            "9xKp2mQvR7sTnW4yZb8cDe",
            "https://video.skolfilm.example/videos/embed/9xKp2mQvR7sTnW4yZb8cDe",
            "",
        ),
        (
            "https://tube.example.org/videos/watch/0b4a8a3e-6c2e-4d6f-9b1a-2f3e4d5c6b7a",
            "peertube",
            "0b4a8a3e-6c2e-4d6f-9b1a-2f3e4d5c6b7a",
            "https://tube.example.org/videos/embed/0b4a8a3e-6c2e-4d6f-9b1a-2f3e4d5c6b7a",
            "",
        ),
    ],
)
def test_known_providers(url, provider, video_id, embed, thumbnail):
    ref = parse_video_url(url)
    assert (ref.provider, ref.video_id, ref.embed_url, ref.thumbnail_url) == (
        provider,
        video_id,
        embed,
        thumbnail,
    )


@pytest.mark.parametrize(
    "url",
    [
        "",
        "youtube.com/watch?v=aB3dE5fG7hJ",
        "javascript:alert(1)",
        "https://www.youtube.com/",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/UC1234567890",
        "https://vimeo.com/about",
        "https://www.dailymotion.com/video/x8abc12",
        "https://example.org/w/not-a-video",
        "https://skola.example/videos/watch/123",
    ],
)
def test_unknown_urls_are_refused_with_guidance(url):
    with pytest.raises(UnknownVideoURL) as excinfo:
        parse_video_url(url)
    assert str(excinfo.value)
