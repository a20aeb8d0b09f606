"""The daily e-mail digest: off by default; with an SMTP server named, one message per user with
something due, in Chinese, through the command or the background job."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from lianzhao.aftercare import services
from lianzhao.aftercare.digest import DigestDisabled, send_digests
from tests.aftercare.conftest import TODAY


@pytest.fixture
def due(service, routed):
    for who in ("officer_a", "responder", "leader"):
        service[who].email = f"{who}@example.invalid"
        service[who].save()
    return routed


def test_the_digest_is_off_by_default(due):
    with pytest.raises(DigestDisabled, match="LIANZHAO_DIGEST"):
        send_digests(TODAY)
    with pytest.raises(CommandError, match="EMAIL_HOST"):
        call_command("digest")
    assert mail.outbox == []


def test_each_user_with_something_due_gets_one_message(due, settings):
    settings.DIGEST_ENABLED, settings.EMAIL_HOST = True, "smtp.example.invalid"
    result = send_digests(TODAY)
    assert (result.sent, result.skipped) == (1, 2)  # the responder owes an answer; the others owe nothing
    (message,) = mail.outbox
    assert message.to == ["responder@example.invalid"]
    assert "待答复诉求" in message.body and "测试·本地某制造公司" in message.body and f"/service/{due.pk}/" in message.body


def test_links_are_absolute_when_the_site_address_is_set(due, settings):
    settings.DIGEST_ENABLED, settings.EMAIL_HOST = True, "smtp.example.invalid"
    settings.SITE_URL = "https://zhaoshang.intranet.example"
    send_digests(TODAY)
    (message,) = mail.outbox
    assert f"https://zhaoshang.intranet.example/service/{due.pk}/" in message.body


def test_the_command_dry_run_shows_and_sends_nothing(due, capsys):
    call_command("digest", "--dry-run")
    out = capsys.readouterr().out
    assert "responder@example.invalid" in out and "将发送 1 封" in out and mail.outbox == []


def test_an_admin_sends_it_as_a_background_job(due, settings, service, immediate_jobs):
    from lianzhao.jobs.services import start_job

    settings.DIGEST_ENABLED, settings.EMAIL_HOST = True, "smtp.example.invalid"
    services.accept_ticket(due, acting_user=service["responder"])
    job = start_job("aftercare.digest", {}, acting_user=service["admin"])
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("env, words", [
    ({"LIANZHAO_DIGEST": "1"}, "LIANZHAO_DIGEST=1 needs EMAIL_HOST"),
    ({"LIANZHAO_SITE_URL": "zhaoshang.intranet.example"}, "LIANZHAO_SITE_URL must be scheme://host"),
])
def test_a_bad_digest_setting_stops_the_start_with_its_name(tmp_path, env, words):
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EMAIL_HOST")}
    result = subprocess.run([sys.executable, "-c", "import lianzhao.settings"], capture_output=True, text=True,
                            env={**clean, "LIANZHAO_VAR_DIR": str(tmp_path), **env}, timeout=60)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and words in result.stderr
