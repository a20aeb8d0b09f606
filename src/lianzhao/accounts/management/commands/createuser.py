"""`lianzhao createuser NAME --role ROLE [--department CODE] [--password-stdin]`: create a user.

The password is never an argument (it would stay in the shell history and show in `ps`): it is
typed twice at a prompt, or read from the first line of standard input with ``--password-stdin``
(for scripts: ``lianzhao createuser wang --role officer --department invest-1 --password-stdin < pw``).
"""

import argparse
import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department
from lianzhao.accounts.services import user_create


class Command(BaseCommand):
    help = "创建用户：lianzhao createuser 用户名 --role officer --department invest-1（密码交互输入或 --password-stdin）"
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", help="部门编码（招商专员必填）")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--password-stdin", action="store_true",
                            help="从标准输入的第一行读取密码（用于脚本）；不加则交互输入两次")
        # Accepted only to explain why it is refused.
        parser.add_argument("--password", help=argparse.SUPPRESS)

    def handle(self, *args, username, role, department, display_name, password_stdin, password, **options):
        if password is not None:
            raise CommandError("不接受命令行中的密码（会留在命令历史和进程列表中）：请交互输入，或用 --password-stdin 从标准输入读取。")
        dept = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                codes = ", ".join(Department.objects.values_list("code", flat=True)) or "（无）"
                raise CommandError(f"部门编码 {department} 不存在。现有部门：{codes}")
        if role == Role.OFFICER and dept is None:
            raise CommandError("招商专员（officer）必须指定 --department。")
        stdin = options.get("stdin") or sys.stdin
        if password_stdin:
            password = stdin.readline().rstrip("\r\n")
        elif stdin.isatty():
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致。")
        else:
            raise CommandError("标准输入不是终端，无法交互输入密码：请加 --password-stdin 并从标准输入提供密码。")
        try:
            user_create(username, role=role, password=password, department=dept, display_name=display_name,
                        acting_user=None, reason="命令行创建用户")
        except ValidationError as exc:
            raise CommandError("未创建用户：" + "；".join(_messages(exc))) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建用户 {username}（{Role(role).label}）。"))


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}：{message}" if field != "__all__" else str(message)
                for field, errors in exc.message_dict.items() for message in errors]
    return list(exc.messages)
