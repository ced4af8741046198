"""Which page types may be created where, and creating each through the admin form."""

import datetime

from django.test import override_settings
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    Person,
    ProgramIndexPage,
    ProgramPage,
    VideoIndexPage,
    VideoPage,
)
from themes.models import Theme


class KanalTreeMixin:
    def build_tree(self):
        root = Page.get_first_root_node()
        self.home = root.add_child(instance=HomePage(title="Start", slug="start-test"))
        self.articles = self.home.add_child(instance=ArticleIndexPage(title="Aktuellt", slug="a"))
        self.videos = self.home.add_child(instance=VideoIndexPage(title="Filmer", slug="v"))
        self.programs = self.home.add_child(instance=ProgramIndexPage(title="Program", slug="p"))
        self.theme = Theme.objects.create(name="Matematik", slug="matematik")
        self.person = Person.objects.create(name="Omar Yilmaz", role="Förstelärare")


class TestPageTypeRules(KanalTreeMixin, WagtailPageTestCase):
    def test_home_lives_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage, {ArticleIndexPage, VideoIndexPage, ProgramIndexPage}
        )

    def test_each_index_holds_its_own_kind(self):
        self.assertAllowedSubpageTypes(ArticleIndexPage, {ArticlePage})
        self.assertAllowedSubpageTypes(VideoIndexPage, {VideoPage})
        self.assertAllowedSubpageTypes(ProgramIndexPage, {ProgramPage})
        for index in (ArticleIndexPage, VideoIndexPage, ProgramIndexPage):
            self.assertAllowedParentPageTypes(index, {HomePage})

    def test_content_pages_are_leaves_under_their_index(self):
        for page, index in (
            (ArticlePage, ArticleIndexPage),
            (VideoPage, VideoIndexPage),
            (ProgramPage, ProgramIndexPage),
        ):
            self.assertAllowedParentPageTypes(page, {index})
            self.assertAllowedSubpageTypes(page, set())

    def test_an_article_cannot_be_created_under_the_video_index(self):
        self.assertCanNotCreateAt(VideoIndexPage, ArticlePage)
        self.assertCanCreateAt(ArticleIndexPage, ArticlePage)
        self.build_tree()
        self.login()
        response = self.client.get(f"/admin/pages/add/cms/articlepage/{self.videos.pk}/")
        # Wagtail refuses with its permission-denied redirect to the dashboard.
        assert (response.status_code, response.url) == (302, "/admin/")
        assert not ArticlePage.objects.exists()


class TestCreateHomePage(WagtailPageTestCase):
    def test_create_home_page_at_the_root(self):
        self.login()
        self.assertCanCreate(
            Page.get_first_root_node(),
            HomePage,
            nested_form_data({"title": "Hem", "slug": "hem", "intro": "", "body": rich_text("")}),
        )

    def test_only_one_home_page_per_parent(self):
        root = Page.get_first_root_node()
        root.add_child(instance=HomePage(title="Hem", slug="hem"))
        assert not HomePage.can_create_at(root)


class TestCreateThroughAdmin(KanalTreeMixin, WagtailPageTestCase):
    def setUp(self):
        self.build_tree()
        self.login()

    def with_taxonomy(self, data):
        """Multi-valued fields are added after flattening (nested_form_data splits lists)."""
        data["themes"] = [str(self.theme.pk)]
        data["tags"] = "problemlösning, förskola"
        return data

    def test_create_index_pages(self):
        for model, slug in (
            (ArticleIndexPage, "nyheter"),
            (VideoIndexPage, "video"),
            (ProgramIndexPage, "satsningar"),
        ):
            self.assertCanCreate(
                self.home, model, nested_form_data({"title": slug.title(), "slug": slug})
            )

    def test_create_article_with_every_block_type(self):
        data = nested_form_data(
            {
                "title": "Rika problem i förskolan",
                "slug": "rika-problem",
                "intro": "Barnen resonerar om mängder.",
                "body": streamfield(
                    [
                        ("heading", {"text": "Bakgrund", "level": "h2"}),
                        ("paragraph", rich_text("<p>Hur många kottar?</p>")),
                        ("quote", {"quote": "Vänta in barnen.", "attribution": "Elin"}),
                        ("video", {"url": "https://youtu.be/Zx9Yw8Vu7Ts", "caption": ""}),
                        ("documents", {"heading": "", "documents": streamfield([])}),
                        (
                            "call_to_action",
                            {
                                "title": "Läs mer",
                                "text": "",
                                "button_label": "Till programmet",
                                "page": "",
                                "url": "https://skola.example/program",
                            },
                        ),
                        ("contact", {"person": self.person.pk, "note": "Frågor"}),
                    ]
                ),
                "author": self.person.pk,
                "author_name": "",
                "publication_date": "2026-01-20 13:00",
                "last_reviewed_at": "2026-10-01",
                "last_reviewed_by": "",
            }
        )
        self.assertCanCreate(self.articles, ArticlePage, self.with_taxonomy(data))
        page = ArticlePage.objects.get(slug="rika-problem")
        assert [block.block_type for block in page.body] == [
            "heading",
            "paragraph",
            "quote",
            "video",
            "documents",
            "call_to_action",
            "contact",
        ]
        assert list(page.themes.all()) == [self.theme]
        assert sorted(page.tags.names()) == ["förskola", "problemlösning"]

    def video_data(self, url, slug):
        data = nested_form_data(
            {
                "title": f"Film {slug}",
                "slug": slug,
                "video_url": url,
                "poster_image": "",
                "duration": "00:04:32",
                "description": "En kort film.",
                "transcript": "Berättare: Hej.",
                "related_program": "",
                "publication_date": "",
                "last_reviewed_at": "",
                "last_reviewed_by": "",
            }
        )
        return self.with_taxonomy(data)

    def test_create_video_for_each_provider(self):
        cases = [
            ("https://www.youtube.com/watch?v=aB3dE5fG7hJ", "youtube", "aB3dE5fG7hJ"),
            ("https://vimeo.com/734512908", "vimeo", "734512908"),
            (
                "https://video.skolfilm.example/w/9xKp2mQvR7sTnW4yZb8cDe",
                "peertube",
                "9xKp2mQvR7sTnW4yZb8cDe",
            ),
        ]
        for url, provider, video_id in cases:
            self.assertCanCreate(self.videos, VideoPage, self.video_data(url, provider))
            page = VideoPage.objects.get(slug=provider)
            assert (page.provider, page.video_id) == (provider, video_id)
            assert page.embed_url.startswith("https://")
            assert page.duration == datetime.timedelta(minutes=4, seconds=32)

    def test_unknown_video_url_is_refused_with_a_clear_message(self):
        url = f"/admin/pages/add/cms/videopage/{self.videos.pk}/"
        response = self.client.post(
            url, self.video_data("https://www.dailymotion.com/video/x8abc", "okand")
        )
        assert response.status_code == 200  # the form comes back with errors
        assert not VideoPage.objects.filter(slug="okand").exists()
        assert "Okänd videoadress" in response.content.decode()

    @override_settings(LANGUAGE_CODE="sv")
    def test_create_program_with_meetings_material_contacts_and_related_pages(self):
        article = self.articles.add_child(instance=ArticlePage(title="Artikel", slug="art"))
        data = nested_form_data(
            {
                "title": "Räkna med alla",
                "slug": "rakna-med-alla",
                "summary": "Fokusgrupper i matematik.",
                "goals": rich_text("<p>Fler barn resonerar.</p>"),
                "format": "focus_group",
                "start_date": "2025-01-13",
                "end_date": "2028-06-09",
                "meetings": inline_formset(
                    [
                        {
                            "starts_at": "2025-09-03 15:00",
                            "place": "Förskolan Solrosen",
                            "topic": "Matematik i leken",
                        },
                        {
                            "starts_at": "2025-10-29 15:00",
                            "place": "Ekbackens skola",
                            "topic": "Rika problem",
                        },
                    ]
                ),
                "materials": inline_formset([]),
                "contacts": inline_formset([{"person": self.person.pk}]),
                "related_pages": inline_formset([{"page": article.pk}]),
                "last_reviewed_at": "",
                "last_reviewed_by": "",
            }
        )
        data["target_audience"] = ["preschool", "compulsory"]
        self.assertCanCreate(self.programs, ProgramPage, self.with_taxonomy(data))
        page = ProgramPage.objects.get(slug="rakna-med-alla")
        assert page.target_audience == ["preschool", "compulsory"]
        assert [m.topic for m in page.meetings.all()] == ["Matematik i leken", "Rika problem"]
        assert [c.person for c in page.contacts.all()] == [self.person]
        assert [r.page.specific for r in page.related_pages.all()] == [article]

    def test_program_end_before_start_is_refused(self):
        page = ProgramPage(
            title="Bakvänt",
            slug="bakvant",
            summary="x",
            format="network",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2025, 1, 1),
        )
        from django.core.exceptions import ValidationError

        try:
            self.programs.add_child(instance=page)
        except ValidationError as exc:
            assert "end_date" in exc.message_dict
        else:
            raise AssertionError("an end date before the start date was accepted")
