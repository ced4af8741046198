"""Builds the demo site. Idempotent: every object is looked up by a natural key (slug, title,
name) before it is created, so running the seeder twice leaves the same content."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from themes.models import Theme, ThemeAlias

from ..models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    OrganisationUnit,
    Person,
    ProgramContact,
    ProgramIndexPage,
    ProgramMaterial,
    ProgramMeeting,
    ProgramPage,
    ProgramRelatedPage,
    VideoIndexPage,
    VideoPage,
)
from . import content
from .media import landscape_png, material_pdf, portrait_png

STOCKHOLM = ZoneInfo("Europe/Stockholm")
Image = get_image_model()
Document = get_document_model()


def _when(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=STOCKHOLM)


def publish(page: Page) -> Page:
    """Save a revision and publish it, in one transaction (so its event is never orphaned)."""
    with transaction.atomic():
        page.save_revision().publish()
    return page


class DemoSeeder:
    def __init__(self, log=print):
        self.log = log
        self.created: dict[str, int] = {}

    def _count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    def run(self) -> dict[str, int]:
        steps = [
            ("språk", self.seed_locales),
            ("samlingar", self.seed_collection),
            ("teman", self.seed_themes),
            ("personer och enheter", self.seed_people),
            ("sidträd", self.seed_tree),
            ("program", self.seed_programs),
            ("artiklar", self.seed_articles),
            ("videor", self.seed_videos),
            ("relationer", self.seed_relations),
            ("engelsk startsida", self.seed_translation),
        ]
        for number, (label, step) in enumerate(steps, start=1):
            self.log(f"[{number}/{len(steps)}] {label}")
            step()
        return self.created

    # -- taxonomy, people, media ---------------------------------------------------------
    def seed_locales(self) -> None:
        self.sv, _ = Locale.objects.get_or_create(language_code="sv")
        self.en, _ = Locale.objects.get_or_create(language_code="en")

    def seed_collection(self) -> None:
        root = Collection.get_first_root_node()
        self.collection = root.get_children().filter(name="Utvecklingsenheten").first()
        if self.collection is None:
            self.collection = root.add_child(name="Utvecklingsenheten")

    def seed_themes(self) -> None:
        self.themes: dict[str, Theme] = {}
        for order, spec in enumerate(content.THEMES):
            theme, created = Theme.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "description": spec["description"],
                    "colour": spec["colour"],
                    "icon": spec["icon"],
                    "sort_order": order,
                },
            )
            if created:
                self._count("themes")
            for label in spec["aliases"]:
                alias = ThemeAlias(theme=theme, label=label)
                if not ThemeAlias.objects.filter(theme=theme, label=label).exists():
                    alias.save()
                    self._count("theme aliases")
            self.themes[spec["slug"]] = theme

    def image(self, title: str, data: bytes | None = None) -> Image:
        existing = Image.objects.filter(title=title, collection=self.collection).first()
        if existing:
            return existing
        data = data or landscape_png(title)
        filename = f"{_slug(title)}.png"
        image = Image(
            title=title, collection=self.collection, file=ImageFile(io.BytesIO(data), name=filename)
        )
        image.save()
        self._count("images")
        return image

    def document(self, title: str, program: str, paragraphs: list[str]) -> Document:
        existing = Document.objects.filter(title=title, collection=self.collection).first()
        if existing:
            return existing
        document = Document(title=title, collection=self.collection)
        document.file.save(
            f"{_slug(title)}.pdf", ContentFile(material_pdf(title, program, paragraphs)), save=False
        )
        document.save()
        self._count("documents")
        return document

    def seed_people(self) -> None:
        spec = content.ORGANISATION_UNIT
        self.unit, created = OrganisationUnit.objects.get_or_create(
            name=spec["name"], defaults={k: v for k, v in spec.items() if k != "name"}
        )
        if created:
            self._count("organisation units")
        self.people: dict[str, Person] = {}
        for spec in content.PEOPLE:
            person = Person.objects.filter(email=spec["email"]).first()
            if person is None:
                photo = self.image(
                    f"Porträtt {spec['name']}", portrait_png(spec["name"], spec["colour"])
                )
                person = Person.objects.create(
                    name=spec["name"],
                    role=spec["role"],
                    email=spec["email"],
                    phone=spec["phone"],
                    photo=photo,
                    organisation_unit=self.unit,
                )
                self._count("people")
            self.people[spec["key"]] = person

    # -- pages ---------------------------------------------------------------------------
    def _child(self, parent: Page, model, slug: str):
        return model.objects.child_of(parent).filter(slug=slug).first()

    def _add(self, parent: Page, page: Page, kind: str) -> Page:
        page.live = False
        parent.add_child(instance=page)
        publish(page)
        self._count(kind)
        return page

    def seed_tree(self) -> None:
        root = Page.get_first_root_node()
        home = HomePage.objects.filter(depth=2, locale=self.sv).first()
        if home is None:
            home = self._add(
                root,
                HomePage(
                    title=content.HOME["title"],
                    slug="start",
                    locale=self.sv,
                    intro=content.HOME["intro"],
                    body=content.HOME["body"],
                    organisation_unit=self.unit,
                ),
                "pages",
            )
            site = Site.objects.filter(is_default_site=True).first()
            if site is None:
                Site.objects.create(
                    hostname="localhost",
                    port=80,
                    root_page=home,
                    is_default_site=True,
                    site_name="Utvecklingsenheten",
                )
            else:
                old_root = site.root_page
                site.root_page = home
                site.site_name = "Utvecklingsenheten"
                site.save()
                # Wagtail's placeholder "Welcome" page goes once the demo home replaces it.
                if old_root.specific_class is Page and old_root.depth == 2:
                    old_root.delete()
        self.home = home
        self.indexes = {}
        for key, model in (
            ("articles", ArticleIndexPage),
            ("videos", VideoIndexPage),
            ("programs", ProgramIndexPage),
        ):
            spec = content.INDEXES[key]
            page = self._child(home, model, spec["slug"])
            if page is None:
                page = self._add(
                    home,
                    model(title=spec["title"], slug=spec["slug"], intro=spec["intro"]),
                    "pages",
                )
            self.indexes[key] = page

    def _taxonomy(self, page, spec) -> None:
        page.themes = [self.themes[slug] for slug in spec["themes"]]
        page.tags.set(spec["tags"])
        page.last_reviewed_at = date(2026, 10, 1)

    def seed_programs(self) -> None:
        self.programs: dict[str, ProgramPage] = {}
        parent = self.indexes["programs"]
        for spec in content.PROGRAMS:
            page = self._child(parent, ProgramPage, spec["slug"])
            if page is None:
                page = ProgramPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    summary=spec["summary"],
                    goals=spec["goals"],
                    target_audience=spec["target_audience"],
                    format=spec["format"],
                    start_date=date.fromisoformat(spec["start_date"]),
                    end_date=date.fromisoformat(spec["end_date"]),
                )
                self._taxonomy(page, spec)
                page.meetings = [
                    ProgramMeeting(starts_at=_when(when), place=place, topic=topic)
                    for when, place, topic in spec["meetings"]
                ]
                page.materials = [
                    ProgramMaterial(
                        document=self.document(title, spec["title"], _material_text(title))
                    )
                    for title in spec["materials"]
                ]
                page.contacts = [
                    ProgramContact(person=self.people[key]) for key in spec["contacts"]
                ]
                self._add(parent, page, "pages")
            self.programs[spec["slug"]] = page

    def _body(self, blocks, article_title: str) -> list[dict]:
        raw = []
        for number, (kind, value) in enumerate(blocks):
            if kind == "image":
                image = self.image(f"{article_title} – bild {number}")
                value = {"image": image.pk, "caption": value["caption"], "alt_text": ""}
            elif kind == "contact":
                value = {"person": self.people[value["person"]].pk, "note": value["note"]}
            elif kind == "documents":
                docs = Document.objects.filter(title__in=value["documents"]).values_list(
                    "pk", flat=True
                )
                value = {"heading": value["heading"], "documents": list(docs)}
            elif kind == "call_to_action":
                value = dict(value)
                page_slug = value.pop("page", None)
                value["page"] = self.programs[page_slug].pk if page_slug else None
                value.setdefault("url", "")
            raw.append({"type": kind, "value": value})
        return raw

    def seed_articles(self) -> None:
        self.articles: dict[str, ArticlePage] = {}
        parent = self.indexes["articles"]
        for spec in content.ARTICLES:
            page = self._child(parent, ArticlePage, spec["slug"])
            if page is None:
                page = ArticlePage(
                    title=spec["title"],
                    slug=spec["slug"],
                    intro=spec["intro"],
                    body=self._body(spec["body"], spec["title"]),
                    author=self.people[spec["author"]],
                    publication_date=_when(spec["date"]),
                )
                self._taxonomy(page, spec)
                self._add(parent, page, "pages")
            self.articles[spec["slug"]] = page

    def seed_videos(self) -> None:
        self.videos: dict[str, VideoPage] = {}
        parent = self.indexes["videos"]
        for spec in content.VIDEOS:
            page = self._child(parent, VideoPage, spec["slug"])
            if page is None:
                hours, minutes, seconds = (int(part) for part in spec["duration"].split(":"))
                page = VideoPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    video_url=spec["url"],
                    poster_image=self.image(f"Affisch {spec['title']}"),
                    duration=timedelta(hours=hours, minutes=minutes, seconds=seconds),
                    description=spec["description"],
                    transcript=spec["transcript"],
                    related_program=self.programs.get(spec["program"]),
                    publication_date=_when("2025-10-01 09:00"),
                )
                self._taxonomy(page, spec)
                self._add(parent, page, "pages")
            self.videos[spec["slug"]] = page

    def seed_relations(self) -> None:
        """Programs point at the articles and videos that share a theme with them."""
        for page in self.programs.values():
            page = ProgramPage.objects.get(pk=page.pk)
            if page.related_pages.exists():
                continue
            theme_ids = set(page.themes.values_list("pk", flat=True))
            related = [
                other
                for other in [*self.articles.values(), *self.videos.values()]
                if theme_ids & set(other.themes.values_list("pk", flat=True))
            ][:4]
            page.related_pages = [ProgramRelatedPage(page=other) for other in related]
            publish(page)

    def seed_translation(self) -> None:
        if HomePage.objects.filter(locale=self.en).exists():
            return
        translated = self.home.copy_for_translation(self.en)
        translated.title = content.HOME_EN["title"]
        translated.intro = content.HOME_EN["intro"]
        translated.body = content.HOME_EN["body"]
        publish(translated)
        self._count("pages")


def _slug(title: str) -> str:
    return slugify(title.replace("å", "a").replace("ä", "a").replace("ö", "o"))[:80] or "fil"


def _material_text(title: str) -> list[str]:
    return [
        f"{title}.",
        "Använd materialet tillsammans i arbetslaget. Läs igenom frågorna i förväg och "
        "avsätt minst 45 minuter för samtalet.",
        "1. Vad fungerar redan bra hos oss? 2. Vad vill vi pröva nästa gång? "
        "3. Hur vet vi att det gjorde skillnad för barnen och eleverna?",
        "Dokumentera era slutsatser och ta med dem till nästa träff.",
    ]
