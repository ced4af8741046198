"""Review that works with imports: the dashboard panel lists what editors wrote and must keep
fresh (their own, or everyone's for those who publish), imported posts are reviewed through
their source, and owners get one reminder e-mail per period."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from wagtail.models import Page
from wagtail.users.models import UserProfile

from cms import review
from cms.models import ArticleIndexPage, ArticlePage, HomePage, ReviewReminder

pytestmark = pytest.mark.django_db

STALE = date(2020, 1, 1)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


def user(name: str, group: str | None = None, email: str | None = None):
    account = get_user_model().objects.create_user(
        name, f"{name}@skola.example" if email is None else email, "pw", first_name=name.title()
    )
    if group:
        account.groups.add(Group.objects.get(name=group))
    return account


@pytest.fixture
def tree():
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Start", slug="start-review"))
    return home.add_child(instance=ArticleIndexPage(title="Aktuellt", slug="aktuellt"))


def article(index, title: str, owner, *, reviewed=STALE, imported=False):
    page = ArticlePage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        owner=owner,
        last_reviewed_at=reviewed,
        origin_url="https://blogg.example/" + title.replace(" ", "-") if imported else "",
        origin_source="Skolbloggen" if imported else "",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def pages(tree):
    anna, bo = user("anna", "Redaktör"), user("bo", "Redaktör")
    return {
        "anna": anna,
        "bo": bo,
        "anna_stale": article(tree, "Annas gamla sida", anna),
        "anna_never": article(tree, "Annas ogranskade sida", anna, reviewed=None),
        "anna_fresh": article(tree, "Annas färska sida", anna, reviewed=timezone.localdate()),
        "bo_stale": article(tree, "Bos gamla sida", bo),
        "imported": article(tree, "Importerat inlägg", None, imported=True),
        "imported_owned": article(tree, "Importerat och ägt", anna, imported=True),
    }


class TestDue:
    def test_imported_posts_are_not_due_one_by_one(self, pages):
        due = {page.pk for page in review.pages_due_for_review()}
        assert due == {pages[k].pk for k in ("anna_stale", "anna_never", "bo_stale")}

    def test_an_owners_pages_only(self, pages):
        due = [page.pk for page in review.pages_due_for_review(owner=pages["anna"])]
        assert due == [pages["anna_never"].pk, pages["anna_stale"].pk]  # never reviewed first
        assert review.count_due(owner=pages["anna"]) == 2


class TestPanel:
    def panel(self, client, account) -> str:
        client.force_login(account)
        response = client.get("/admin/")
        assert response.status_code == 200
        html = response.content.decode()
        start = html.index('id="kanal-review-heading"')
        return html[start : html.index("</section>", start)]

    def test_an_editor_sees_their_own_pages(self, pages, client):
        panel = self.panel(client, pages["anna"])
        assert "Annas gamla sida" in panel and "Annas ogranskade sida" in panel
        assert "Bos gamla sida" not in panel
        assert "Importerat" not in panel
        assert "Annas färska sida" not in panel

    def test_a_moderator_sees_everyones_with_their_owners(self, pages, client):
        panel = self.panel(client, user("greta", "Granskare"))
        assert "Annas gamla sida" in panel and "Bos gamla sida" in panel
        assert "Anna" in panel and "Bo" in panel
        assert "Importerat" not in panel

    def test_contributed_lines_replace_imported_posts(self, pages, client):
        line = review.ReviewLine("Skolbloggen", 700, "ohälsosam", False, "/admin/x/")
        review.register_line_provider(provider := lambda account: [line])
        try:
            panel = self.panel(client, pages["anna"])
        finally:
            review._providers.remove(provider)
        assert "Skolbloggen" in panel and ">700<" in panel and "ohälsosam" in panel


class TestReminders:
    def test_each_owner_gets_their_due_pages(self, pages):
        summary = review.send_reminders()
        assert (summary.sent, summary.pages, summary.failed) == (2, 3, 0)
        by_recipient = {message.to[0]: message for message in mail.outbox}
        assert set(by_recipient) == {"anna@skola.example", "bo@skola.example"}
        anna = by_recipient["anna@skola.example"]
        assert anna.subject == "2 sidor att granska"
        assert "Annas gamla sida (2020-01-01)" in anna.body
        assert "Annas ogranskade sida (aldrig granskad)" in anna.body
        assert f"/admin/pages/{pages['anna_stale'].pk}/edit/" in anna.body
        assert "Importerat" not in anna.body and "Annas färska sida" not in anna.body
        assert "Bos gamla sida" in by_recipient["bo@skola.example"].body

    def test_each_owner_reads_it_in_their_language(self, pages, tree):
        """anna kept the default (Swedish), bo chose English in his account, and cecilia's
        profile names a language the admin does not offer (so: the default)."""
        cecilia = user("cecilia", "Redaktör")
        article(tree, "Cecilias gamla sida", cecilia)
        for account, language in ((pages["bo"], "en"), (cecilia, "fr")):
            profile = UserProfile.get_for_user(account)
            profile.preferred_language = language
            profile.save()
        with translation.override("en"):  # the sender's own language does not leak in
            assert review.send_reminders().sent == 3
        by_recipient = {message.to[0]: message for message in mail.outbox}
        anna, bo = by_recipient["anna@skola.example"], by_recipient["bo@skola.example"]
        assert anna.subject == "2 sidor att granska" and anna.body.startswith("Hej Anna!")
        assert "Annas ogranskade sida (aldrig granskad)" in anna.body
        assert "These pages" not in anna.body
        assert bo.subject == "1 page to review" and bo.body.startswith("Hello Bo!")
        assert "These pages have not been reviewed for a long time." in bo.body
        assert "granska" not in bo.body.lower() and "Hej" not in bo.body
        cecilia_mail = by_recipient["cecilia@skola.example"]
        assert cecilia_mail.subject == "1 sida att granska"
        assert cecilia_mail.body.startswith("Hej Cecilia!")

    def test_once_per_period(self, pages):
        review.send_reminders()
        again = review.send_reminders()
        assert (again.sent, again.already_sent) == (0, 2)
        assert len(mail.outbox) == 2
        next_week = timezone.now() + timedelta(days=7)
        assert review.send_reminders(next_week).sent == 2

    def test_again_on_demand(self, pages):
        review.send_reminders()
        assert review.send_reminders(again=True).sent == 2
        assert ReviewReminder.objects.count() == 2

    def test_owners_without_an_address_or_inactive_are_skipped(self, pages, tree):
        article(tree, "Utan adress", user("cecilia", "Redaktör", email=""))
        gone = user("david", "Redaktör")
        article(tree, "Slutat", gone)
        gone.is_active = False
        gone.save()
        review.send_reminders()
        assert len(mail.outbox) == 2

    def test_a_failed_send_is_retried(self, pages, settings):
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
        summary = review.send_reminders()
        assert summary.failed == 2 and "refused" in summary.errors[0]
        assert ReviewReminder.objects.count() == 0
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert review.send_reminders().sent == 2

    def test_weekly_periods_start_on_monday(self, settings):
        settings.KANAL_REVIEW_REMINDER_DAYS = 7
        wednesday = date(2026, 12, 2)
        assert review.period_start(wednesday) == date(2026, 11, 30)
        assert review.period_start(date(2026, 11, 30)) == date(2026, 11, 30)
        assert review.period_start(date(2026, 12, 7)) == date(2026, 12, 7)


class TestCommand:
    def test_sends_with_progress(self, pages):
        out = io.StringIO()
        call_command("send_review_reminders", stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0] == "Looking for pages due for review…"
        assert "[1/2] anna: 2 page(s)" in lines and "[2/2] bo: 1 page(s)" in lines
        assert lines[-1].startswith("Sent 2 reminder(s) listing 3 page(s)")
        assert len(mail.outbox) == 2

    def test_fails_loudly_when_mail_cannot_be_sent(self, pages, settings):
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
        with pytest.raises(CommandError, match="2 reminder\\(s\\) could not be sent"):
            call_command("send_review_reminders", stdout=io.StringIO())


class TestRelay:
    def test_the_relay_sends_once_per_period_across_restarts(self, pages):
        from syndication.relay import Relay

        first = Relay(reconcile_every=1e9, publish_scheduled_every=1e9).run_once()
        assert first.reminders is not None and first.reminders.sent == 2
        restarted = Relay(reconcile_every=1e9, publish_scheduled_every=1e9).run_once()
        assert restarted.reminders.sent == 0 and restarted.reminders.already_sent == 2
        assert len(mail.outbox) == 2

    def test_the_relay_checks_on_its_own_clock(self, pages, settings):
        from syndication.relay import Relay

        relay = Relay(reconcile_every=1e9, publish_scheduled_every=1e9)
        assert relay.review_reminders_every == settings.KANAL_REVIEW_REMINDER_CHECK_SECONDS
        assert relay.run_once().reminders is not None
        assert relay.run_once().reminders is None  # not again within the hour
