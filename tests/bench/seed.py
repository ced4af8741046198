"""Seed N article pages for the benchmark: ``python -m tests.bench.seed N``.

Adds articles under the demo's article index until there are N benchmark articles. Each has
realistic content: 4–6 blocks (headings, paragraphs with an internal link, an image, a quote,
a contact card), 2–3 tags and 1–2 themes. Images come from the demo's pool (media files are
not what is measured). Pages are created live without revisions, for speed.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import timedelta


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from wagtail.images import get_image_model

    from cms.models import ArticleIndexPage, ArticlePage, Person
    from themes.models import Theme

    if not ArticleIndexPage.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    parent = ArticleIndexPage.objects.get()
    existing = ArticlePage.objects.filter(slug__startswith="bench-").count()
    images = list(get_image_model().objects.values_list("pk", flat=True))
    people = list(Person.objects.values_list("pk", flat=True))
    themes = list(Theme.objects.all())
    link_target = ArticlePage.objects.exclude(slug__startswith="bench-").first()
    words = [
        "läsning", "skrivande", "matematik", "samverkan", "ledarskap", "digitalisering",
        "bedömning", "inkludering", "språk", "fritidshem", "förskola", "rektor", "elevhälsa",
        "kollegialt", "lärande", "programmering", "källkritik", "betyg", "undervisning",
    ]  # fmt: skip
    rng = random.Random(existing)
    now = timezone.now()
    batch: list[ArticlePage] = []
    for number in range(existing, count):
        body = [
            {"type": "paragraph", "value": f"<p>{' '.join(rng.choices(words, k=60))}.</p>"},
            {
                "type": "heading",
                "value": {"text": " ".join(rng.choices(words, k=4)), "level": "h2"},
            },
            {
                "type": "paragraph",
                "value": f"<p>{' '.join(rng.choices(words, k=80))} "
                f'<a linktype="page" id="{link_target.pk}">läs mer</a>.</p>',
            },
            {
                "type": "image",
                "value": {"image": rng.choice(images), "caption": "Bildtext", "alt_text": ""},
            },
        ]
        if number % 2:
            body.append(
                {
                    "type": "quote",
                    "value": {"quote": " ".join(rng.choices(words, k=20)), "attribution": "Rektor"},
                }
            )
        if number % 3:
            body.append(
                {"type": "contact", "value": {"person": rng.choice(people), "note": "Frågor"}}
            )
        page = ArticlePage(
            title=f"Benchmarkartikel {number}: {' '.join(rng.choices(words, k=3))}",
            slug=f"bench-{number}",
            intro=" ".join(rng.choices(words, k=30)),
            body=body,
            author_id=rng.choice(people),
            publication_date=now - timedelta(hours=number),
            first_published_at=now - timedelta(hours=number),
            last_published_at=now - timedelta(hours=number),
            live=True,
        )
        page.themes = rng.sample(themes, k=rng.randint(1, 2))
        page.tags.set(rng.sample(words, k=rng.randint(2, 3)))
        # Validation is the seeder's own business here (slugs are unique by construction).
        page.full_clean = lambda *args, **kwargs: None
        batch.append(page)
        if len(batch) == 250 or number == count - 1:
            with transaction.atomic():
                for item in batch:
                    parent.add_child(instance=item)
                    parent.refresh_from_db(fields=["numchild"])
            batch.clear()
        if number % 1000 == 999:
            print(f"  seeded {number + 1}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
