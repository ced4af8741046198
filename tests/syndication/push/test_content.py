"""The push body, built from the shared representation only."""

from __future__ import annotations

from syndication.push.clients.wordpress import _gmt
from syndication.push.content import build_post

DATA = {
    "id": 42,
    "title": "Läslyftet",
    "meta": {
        "slug": "laslyftet",
        "html_url": "https://skola.example.se/nyheter/laslyftet/",
        "first_published_at": "2026-11-30T08:00:00Z",
        "search_description": "",
    },
    "intro": "Om <läsning>",
    "publication_date": "2026-12-01T09:30:00+01:00",
    "tags": ["läsning"],
    "themes": [{"id": 1, "slug": "sprak", "name": "Språkutveckling", "colour": "#000"}],
    "body": [
        {"type": "heading", "value": {"text": "Rubrik", "level": "h3"}},
        {"type": "paragraph", "value": '<p>Se <a href="https://kanal.example.se/x/">x</a></p>'},
        {
            "type": "image",
            "value": {
                "image": {
                    "id": 7,
                    "alt": "Gård",
                    "renditions": [
                        {"width": 400, "url": "https://kanal.example.se/media/a-400.png"},
                        {"width": 800, "url": "https://kanal.example.se/media/a-800.png"},
                    ],
                },
                "caption": "Bildtext",
                "alt_text": "Gården",
            },
        },
        {"type": "contact", "value": {"person": {"name": "Anna", "email": "anna@example.se"}}},
    ],
}


def test_the_post_has_escaped_text_absolute_urls_and_a_canonical_link():
    post = build_post(DATA)
    assert post.title == "Läslyftet"
    assert post.slug == "laslyftet-k42"
    assert "<strong>Om &lt;läsning&gt;</strong>" in post.html
    assert "<h3>Rubrik</h3>" in post.html
    assert '<img src="https://kanal.example.se/media/a-800.png" alt="Gården">' in post.html
    assert '<a href="https://skola.example.se/nyheter/laslyftet/" rel="canonical">' in post.html
    assert post.tags == ["läsning"] and post.categories == ["Språkutveckling"]
    assert post.featured_image.image_id == 7
    assert post.published == "2026-12-01T09:30:00+01:00"


def test_contact_cards_carry_personal_data_and_are_not_pushed():
    assert "anna@example.se" not in build_post(DATA).html
    assert "Anna" not in build_post(DATA).html


def test_wordpress_dates_are_naive_utc():
    assert _gmt("2026-12-01T09:30:00+01:00") == "2026-12-01T08:30:00"
    assert _gmt("2026-12-01T08:30:00Z") == "2026-12-01T08:30:00"


def test_a_rich_text_body_is_pushed_as_it_is():
    """Home and index pages have a rich-text ``body`` (a string), not a stream: found when a
    ``make run`` demo site was pushed to WordPress (the worker crashed on every attempt)."""
    post = build_post({**DATA, "body": "<p>Här hittar du <b>våra</b> program.</p>"})
    assert "<p>Här hittar du <b>våra</b> program.</p>" in post.html
