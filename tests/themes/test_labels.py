import pytest

from themes.labels import normalise_label
from themes.models import Theme, ThemeAlias


class TestNormaliseLabel:
    @pytest.mark.parametrize(
        ("label", "expected"),
        [
            ("Språkutveckling", "sprakutveckling"),
            ("  SPRÅK­UTVECKLING ", "sprak utveckling"),
            ("skua", "skua"),
            ("Att möta olikheter", "att mota olikheter"),
            ("AI_i-skolan", "ai i skolan"),
        ],
    )
    def test_folds_case_accents_and_separators(self, label, expected):
        assert normalise_label(label) == expected


@pytest.mark.django_db
class TestThemeResolve:
    @pytest.fixture
    def language(self):
        theme = Theme.objects.create(name="Språk- och kunskapsutveckling", slug="sprak")
        ThemeAlias.objects.create(theme=theme, label="SKUA")
        ThemeAlias.objects.create(theme=theme, label="språkutveckling")
        return theme

    @pytest.mark.parametrize(
        "label", ["SKUA", "skua", " Skua ", "SPRÅKUTVECKLING", "sprakutveckling"]
    )
    def test_alias_resolves_case_and_accent_insensitively(self, language, label):
        assert Theme.objects.resolve(label) == language

    def test_theme_name_and_slug_resolve_without_alias(self, language):
        assert Theme.objects.resolve("språk- och KUNSKAPSUTVECKLING") == language
        assert Theme.objects.resolve("SPRAK") == language

    def test_unknown_label_resolves_to_nothing(self, language):
        assert Theme.objects.resolve("matematik") is None
        assert Theme.objects.resolve("") is None

    def test_alias_labels_are_unique_after_normalising(self, language):
        from django.core.exceptions import ValidationError

        duplicate = ThemeAlias(theme=language, label="Skua")
        with pytest.raises(ValidationError):
            duplicate.full_clean()


@pytest.mark.django_db
class TestLabelMap:
    """The one label -> theme rule, loaded in bulk for imports (``Theme.objects.label_map``)."""

    def test_names_slugs_and_aliases_with_aliases_winning(self):
        maths = Theme.objects.create(name="Matematik", slug="matte")
        leadership = Theme.objects.create(name="Ledarskap", slug="ledarskap")
        ThemeAlias.objects.create(theme=leadership, label="matte")  # an alias overrides a slug
        assert Theme.objects.label_map() == {
            "matematik": maths,
            "matte": leadership,
            "ledarskap": leadership,
        }
        assert Theme.objects.resolve("MATTE") == leadership

    def test_two_queries_whatever_the_number_of_themes(self, django_assert_num_queries):
        for n in range(5):
            theme = Theme.objects.create(name=f"Tema {n}", slug=f"t{n}")
            ThemeAlias.objects.create(theme=theme, label=f"alias {n}")
        with django_assert_num_queries(2):
            assert len(Theme.objects.label_map()) == 15


@pytest.mark.django_db
class TestPagesWithTheme:
    """The one "pages with this theme" rule, shared by the API filter and cache invalidation."""

    def test_pages_of_every_type_that_carry_the_theme(self):
        from wagtail.models import Page

        from cms.models import ArticleIndexPage, ArticlePage, HomePage, VideoIndexPage, VideoPage

        maths = Theme.objects.create(name="Matematik", slug="matematik")
        other = Theme.objects.create(name="Ledarskap", slug="ledarskap")
        home = Page.get_first_root_node().add_child(instance=HomePage(title="Hem", slug="hem"))
        articles = home.add_child(instance=ArticleIndexPage(title="Artiklar", slug="artiklar"))
        videos = home.add_child(instance=VideoIndexPage(title="Videor", slug="videor"))
        with_maths = articles.add_child(instance=ArticlePage(title="Med", slug="med"))
        without = articles.add_child(instance=ArticlePage(title="Utan", slug="utan"))
        video = videos.add_child(
            instance=VideoPage(
                title="Film", slug="film", video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
            )
        )
        with_maths.themes.set([maths])
        with_maths.save()
        without.themes.set([other])
        without.save()
        video.themes.set([maths, other])
        video.save()

        def pages(themes):
            return set(Page.objects.filter(themes.pages_condition()).values_list("pk", flat=True))

        assert pages(Theme.objects.filter(pk=maths.pk)) == {with_maths.pk, video.pk}
        assert pages(Theme.objects.filter(pk=other.pk)) == {without.pk, video.pk}
        assert pages(Theme.objects.none()) == set()
