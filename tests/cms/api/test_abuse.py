"""What a hostile anonymous client tries against the API (issue 14, findings 2 and 3).

Rate limits count the address that really connected (a forwarded header only counts when it
comes from a configured proxy), and search costs bounded work whatever it is given.
"""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms.api.search import SearchTooExpensive, search_budget, search_terms
from cms.models import ArticlePage, PageFeedback

pytestmark = pytest.mark.django_db

MID_WINDOW = "2026-11-22 12:00:30Z"  # a fixed minute: no counter reset mid-test


def spoofed(n: int) -> dict:
    return {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"}


class TestForwardedForIsNotTrustedByDefault:
    @time_machine.travel(MID_WINDOW, tick=False)
    def test_rotating_the_header_does_not_escape_the_read_limit(self, client, site, settings):
        settings.KANAL_API_ANON_RATE_PER_MINUTE = 3
        codes = [client.get("/api/v2/themes/", **spoofed(n)).status_code for n in range(5)]
        assert codes == [200, 200, 200, 429, 429]

    @time_machine.travel(MID_WINDOW, tick=False)
    def test_rotating_the_header_does_not_escape_the_feedback_limit(self, client, site, settings):
        settings.KANAL_API_FEEDBACK_RATE_PER_MINUTE = 2
        page = ArticlePage.objects.live().first()
        codes = [
            client.post(
                "/api/v2/feedback/",
                {"page": page.pk, "useful": True},
                content_type="application/json",
                **spoofed(n),
            ).status_code
            for n in range(4)
        ]
        assert codes == [201, 201, 429, 429]
        assert PageFeedback.objects.count() == 2


class TestForwardedForFromATrustedProxy:
    @time_machine.travel(MID_WINDOW, tick=False)
    def test_clients_behind_the_proxy_are_counted_apart(self, client, site, settings):
        settings.KANAL_TRUSTED_PROXIES = ["127.0.0.0/8"]  # the test client connects from here
        settings.KANAL_API_ANON_RATE_PER_MINUTE = 1
        assert client.get("/api/v2/themes/", **spoofed(1)).status_code == 200
        assert client.get("/api/v2/themes/", **spoofed(2)).status_code == 200
        assert client.get("/api/v2/themes/", **spoofed(1)).status_code == 429

    @time_machine.travel(MID_WINDOW, tick=False)
    def test_only_the_address_the_proxy_saw_counts(self, client, site, settings):
        """A client prepends made-up addresses; the proxy appends the one it saw (rightmost)."""
        settings.KANAL_TRUSTED_PROXIES = ["127.0.0.1"]
        settings.KANAL_API_ANON_RATE_PER_MINUTE = 1
        first = {"HTTP_X_FORWARDED_FOR": "10.9.9.1, 198.51.100.7"}
        second = {"HTTP_X_FORWARDED_FOR": "10.9.9.2, 198.51.100.7"}
        assert client.get("/api/v2/themes/", **first).status_code == 200
        assert client.get("/api/v2/themes/", **second).status_code == 429

    @time_machine.travel(MID_WINDOW, tick=False)
    def test_chained_trusted_proxies_are_skipped(self, client, site, settings):
        settings.KANAL_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
        settings.KANAL_API_ANON_RATE_PER_MINUTE = 1
        via_cdn = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 10.1.2.3"}
        assert client.get("/api/v2/themes/", **via_cdn).status_code == 200
        assert client.get("/api/v2/themes/", **spoofed(7)).status_code == 200
        direct = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
        assert client.get("/api/v2/themes/", **direct).status_code == 429


class TestSearchInput:
    @pytest.mark.parametrize("value", ['"', "(", ")", '"a', "a OR", "NEAR(", "*", "a AND (", "'"])
    def test_backend_syntax_is_never_a_server_error(self, api, site, value):
        response = api(f"/api/v2/pages/?search={value}")
        assert response.status_code in (200, 400), response.content[:300]
        if response.status_code == 400:
            assert response.json()["message"].startswith("search:")

    def test_punctuation_only_is_400(self, api, site):
        response = api('/api/v2/pages/?search="()')
        assert response.status_code == 400
        assert response.json()["message"].startswith("search:")

    def test_words_are_still_found_next_to_syntax(self, api, site):
        page = ArticlePage.objects.live().first()
        word = page.title.split()[0]
        response = api(f'/api/v2/pages/?search="{word}(')
        assert response.status_code == 200
        assert page.pk in [item["id"] for item in response.json()["items"]]

    def test_terms_are_deduplicated_and_lowercased(self):
        assert search_terms("Skola skola  SKOLA, läsning") == ["skola", "läsning"]

    def test_repeated_terms_cost_what_one_term_costs(self, client, site):
        def sql_size(query: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/api/v2/pages/?search={query}").status_code == 200
            return sum(len(q["sql"]) for q in queries.captured_queries)

        sql_size("b")  # warm the per-process caches (content types, root id)
        one = sql_size("a")
        assert sql_size("+".join(["a"] * 100)) == one

    def test_too_many_terms_is_400(self, api, site, settings):
        settings.KANAL_API_SEARCH_MAX_TERMS = 3
        response = api("/api/v2/pages/?search=ett+två+tre+fyra")
        assert response.status_code == 400
        assert response.json()["message"] == "search: at most 3 different words"
        assert api("/api/v2/pages/?search=ett+två+tre+ett").status_code == 200

    def test_search_counts_more_against_the_rate_limit(self, client, site, settings):
        settings.KANAL_API_ANON_RATE_PER_MINUTE = 10
        settings.KANAL_API_SEARCH_RATE_WEIGHT = 5
        with time_machine.travel(MID_WINDOW, tick=False):
            codes = [client.get(f"/api/v2/pages/?search=a{n}").status_code for n in range(3)]
        assert codes == [200, 200, 429]


class TestSearchBudget:
    HEAVY = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) "
        "SELECT count(*) FROM c"
    )

    def test_a_query_over_budget_is_stopped(self, settings):
        settings.KANAL_API_SEARCH_BUDGET_MS = 5
        with pytest.raises(SearchTooExpensive), search_budget():
            with connection.cursor() as cursor:
                cursor.execute(self.HEAVY)
                cursor.fetchall()
        with connection.cursor() as cursor:  # the connection is usable afterwards
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)

    def test_the_endpoint_answers_400_when_over_budget(self, api, site, monkeypatch):
        import contextlib

        import cms.api.endpoints as endpoints

        @contextlib.contextmanager
        def exhausted():
            yield
            raise SearchTooExpensive

        monkeypatch.setattr(endpoints, "search_budget", exhausted)
        response = api("/api/v2/pages/?search=skola")
        assert response.status_code == 400
        assert response.json()["message"].startswith("search: too costly")


class TestFeedbackStaysPlainText:
    VECTORS = [
        "&lt;img src=x onerror=alert(1)&gt;",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
        "<b>Bra</b> &lt;b&gt;men&lt;/b&gt;",
        "&#60;svg onload=alert(1)&#62;",
    ]

    @pytest.mark.parametrize("comment", VECTORS)
    def test_escaped_markup_is_not_stored_as_markup(self, client, site, comment):
        page = ArticlePage.objects.live().first()
        response = client.post(
            "/api/v2/feedback/",
            {"page": page.pk, "useful": True, "comment": comment},
            content_type="application/json",
        )
        assert response.status_code == 201
        stored = PageFeedback.objects.get().comment
        assert "<" not in stored and ">" not in stored, stored
        assert response.json()["comment"] == stored

    @pytest.mark.parametrize("comment", [*VECTORS, "a < b & c > d", "5 &lt; 6"])
    def test_cleaning_is_idempotent(self, comment):
        from cms.api.feedback import plain_text

        once = plain_text(comment)
        assert plain_text(once) == once

    def test_plain_comparisons_survive(self):
        from cms.api.feedback import plain_text

        assert plain_text("a < b & c > d") == "a < b & c > d"


class TestFeedbackBody:
    def test_only_json_is_accepted(self, client, site):
        page = ArticlePage.objects.live().first()
        response = client.post("/api/v2/feedback/", {"page": page.pk, "useful": "true"})
        assert response.status_code == 415
        assert "application/json" in response.json()["message"]
        assert PageFeedback.objects.count() == 0

    def test_a_large_body_is_refused_before_it_is_read(self, site, settings):
        """The body is a stream that fails if read: the refusal comes from Content-Length."""
        from django.test import RequestFactory

        from cms.api.feedback import FeedbackView

        class Unreadable:
            def read(self, *args):
                raise AssertionError("the body was read")

            readline = read

        request = RequestFactory().post("/api/v2/feedback/", b"", content_type="application/json")
        request.META["CONTENT_LENGTH"] = str(30 * 1024 * 1024)
        request.META["wsgi.input"] = Unreadable()
        request._stream = Unreadable()
        # Called past the API's language middleware (cms.api.locale), which would answer a
        # client naming no language in English: say so here.
        with translation.override("en"):
            response = FeedbackView.as_view()(request)
        assert response.status_code == 413
        assert "at most" in response.data["message"]


class TestLimitZero:
    @pytest.mark.parametrize(
        "endpoint", ["/api/v2/pages/", "/api/v2/themes/", "/api/v2/images/", "/api/v2/people/"]
    )
    def test_limit_zero_is_refused(self, api, site, endpoint):
        response = api(f"{endpoint}?limit=0")
        assert response.status_code == 400
        assert response.json()["message"].startswith("limit:")
