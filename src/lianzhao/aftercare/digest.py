"""The optional daily e-mail digest (每日待办提醒): each user with an e-mail address and something due
or overdue (:func:`lianzhao.aftercare.reminders.reminders_for`) gets one plain-text message. Off
unless ``LIANZHAO_DIGEST=1`` and an SMTP server (``EMAIL_HOST``) are configured — lianzhao runs
offline and sends nothing by default. Links are absolute when ``LIANZHAO_SITE_URL`` names the address
users open lianzhao at, else paths. Run daily by ``lianzhao digest`` (cron or a systemd timer) or
as the background job ``aftercare.digest``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from lianzhao.accounts.models import User
from lianzhao.aftercare.reminders import AHEAD_DAYS, reminders_for
from lianzhao.core.i18n import in_data_language

KIND_LABELS = {"ticket": "待答复诉求", "rating": "待企业评价", "routing": "待分派诉求", "step": "落地事项",
               "visit": "计划走访"}


class DigestDisabled(Exception):
    """The digest is off (the default) or has no SMTP server."""


@dataclass(frozen=True)
class DigestResult:
    sent: int
    skipped: int


def enabled() -> bool:
    return bool(settings.DIGEST_ENABLED and settings.EMAIL_HOST)


@in_data_language
def message_for(user, today: dt.date) -> str | None:
    """The digest's text for ``user`` on ``today`` (Chinese), or None when nothing is due."""
    reminders = reminders_for(user, today)
    if not reminders.items:
        return None
    lines = [f"{user}，您好：", "",
             f"截至 {today:%Y-%m-%d}，以下事项已逾期或将在 {AHEAD_DAYS} 天内到期（逾期 {reminders.overdue_count} 项）：", ""]
    for r in reminders.items:
        when = f"{r.due_on:%Y-%m-%d}" if r.due_on else ""
        flag = "【已逾期】" if r.overdue else ""
        lines.append(f"- {flag}[{KIND_LABELS[r.kind]}] {r.title} {when} {r.detail}".rstrip()
                     + f"  {settings.SITE_URL}{reverse(r.url_name, args=r.url_args)}")
    if reminders.more:
        lines.append(f"另有 {reminders.more} 项未列出，请登录链招查看。")
    lines += ["", "—— 链招每日待办提醒（自动发送，请勿回复）"]
    return "\n".join(lines)


def send_digests(today: dt.date, *, dry_run: bool = False) -> DigestResult:
    """Send each active user with an e-mail address their digest, one message each (a fixed number
    of queries per user). ``dry_run``: build the messages, send nothing. Raises
    :class:`DigestDisabled` when the digest is off."""
    if not enabled() and not dry_run:
        raise DigestDisabled("每日待办提醒未开启：须设置 LIANZHAO_DIGEST=1 和邮件服务器 EMAIL_HOST。")
    messages, skipped = [], 0
    for user in User.objects.filter(is_active=True).exclude(email="").order_by("pk"):
        text = message_for(user, today)
        if text is None:
            skipped += 1
            continue
        messages.append(EmailMessage(f"链招待办提醒 {today:%Y-%m-%d}", text, settings.DEFAULT_FROM_EMAIL,
                                     [user.email]))
    if not dry_run and messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return DigestResult(sent=len(messages), skipped=skipped)
