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
