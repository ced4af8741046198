"""``manage.py targets`` and ``manage.py push`` for operators and scripts."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from syndication.push.models import PushTarget, RecordStatus, SyndicationRecord

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return out.getvalue(), err.getvalue(), code


class TestTargetsCommand:
    def test_add_micropub_reads_the_token_from_the_named_variable(self, micropub, monkeypatch):
        monkeypatch.setenv("MP_TOKEN", micropub.token)
        out, _, _ = run("targets", "add", "micropub", micropub.site, "--token-env", "MP_TOKEN")
        target = PushTarget.objects.get()
        assert target.credentials_env == "MP_TOKEN" and not target.credentials_encrypted
        assert target.secret() == micropub.token
        assert f"Added target {target.pk}" in out

    def test_store_encrypts_the_value_and_never_prints_it(self, micropub, monkeypatch):
        monkeypatch.setenv("WP_PASS", "abcd efgh ijkl")
        out, err, _ = run(
            "targets", "add", "wordpress", micropub.site, "--username", "u",
            "--password-env", "WP_PASS", "--store",
        )  # fmt: skip
        target = PushTarget.objects.get()
        assert target.credentials_encrypted and "abcd" not in target.credentials_encrypted
        assert target.secret() == "abcd efgh ijkl"
        assert "abcd" not in out + err

    def test_a_missing_variable_name_is_a_clear_error(self, micropub):
        with pytest.raises(CommandError, match="--token-env VAR"):
            call_command("targets", "add", "micropub", micropub.site)

    def test_an_unknown_theme_is_refused(self, micropub):
        with pytest.raises(CommandError, match="Unknown theme slug"):
            call_command(
                "targets", "add", "micropub", micropub.site, "--token-env", "X", "--theme", "nope"
            )

    def test_list_shows_health_and_counts(self, micropub):
        target = PushTarget.objects.create(
            kind="micropub", name="Mikro", endpoint=micropub.site, credentials_env="X"
        )
        SyndicationRecord.objects.create(page_id=1, target=target, status="published")
        PushTarget.objects.filter(pk=target.pk).update(healthy=False)
        out, _, _ = run("targets", "list")
        lines = out.splitlines()
        assert lines[0].split() == [
            "id", "kind", "name", "health", "active", "published", "failed", "endpoint"
        ]  # fmt: skip
        assert lines[1].split()[:7] == [
            str(target.pk),
            "micropub",
            "Mikro",
            "UNHEALTHY",
            "yes",
            "1",
            "0",
        ]


class TestPushCommand:
    def test_push_a_page_again_prints_progress_and_a_summary(self, editor, micropub):
        target = PushTarget(kind="micropub", name="Mikro", endpoint=micropub.site)
        target.set_secret(micropub.token)
        target.save()
        page = editor.publish_new("Igen")
        out, err, code = run("push", "--page", str(page.pk))
        assert code == 0
        assert f"[1/1] page {page.pk} -> Mikro: delivered" in err
        assert "1 push(es): 1 done, 0 failed." in out
        assert micropub.creates == 1  # pushed again = updated, not duplicated

    def test_exit_status_is_1_when_a_push_failed(self, editor, micropub):
        target = PushTarget(kind="micropub", name="Mikro", endpoint=micropub.site)
        target.set_secret("wrong")
        target.save()
        page = editor.publish_new("Nekas")
        out, _, code = run("push", "--page", str(page.pk), "--target", str(target.pk))
        assert code == 1
        assert "0 done, 1 failed." in out
        assert SyndicationRecord.objects.get(page_id=page.pk).status != RecordStatus.PUBLISHED

    def test_all_due_retries_what_failed_before(self, editor, micropub, settings):
        settings.KANAL_PUSH_RETRY_BASE_SECONDS = 0
        target = PushTarget(kind="micropub", name="Mikro", endpoint=micropub.site)
        target.set_secret(micropub.token)
        target.save()
        micropub.fail_next.append((500, {}, b"temporary failure"))
        page = editor.publish_new("Försök igen")
        assert SyndicationRecord.objects.get(page_id=page.pk).status != RecordStatus.PUBLISHED
        out, err, code = run("push", "--all-due")
        assert code == 0, out + err
        assert "1 push(es): 1 done, 0 failed." in out
        assert SyndicationRecord.objects.get(page_id=page.pk).status == RecordStatus.PUBLISHED

    def test_nothing_to_do_is_a_usage_error(self):
        with pytest.raises(CommandError, match="Say what to push"):
            call_command("push")
