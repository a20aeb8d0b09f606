"""`lianzhao createuser NAME --role ROLE [--department CODE]`: create a user and set a password."""

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department, User
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot


class Command(BaseCommand):
    help = "创建用户：lianzhao createuser 用户名 --role officer --department invest-1"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", help="部门编码（招商专员必填）")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--password", help="不填则交互输入")

    def handle(self, *args, username, role, department, display_name, password, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户 {username} 已存在。")
        dept = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                codes = ", ".join(Department.objects.values_list("code", flat=True)) or "（无）"
                raise CommandError(f"部门编码 {department} 不存在。现有部门：{codes}")
        if role == Role.OFFICER and dept is None:
            raise CommandError("招商专员（officer）必须指定 --department。")
        if not password:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致。")
        if len(password) < 8:
            raise CommandError("密码至少 8 位。")
        with transaction.atomic():
            user = User(username=username, role=role, department=dept, display_name=display_name,
                        is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
            user.set_password(password)
            user.full_clean()
            user.save()
            record_change(actor=None, action=AuditAction.CREATE, obj=user, before=None,
                          after=snapshot(user, exclude=("password", "last_login")), reason="命令行创建用户")
        self.stdout.write(self.style.SUCCESS(f"已创建用户 {username}（{Role(role).label}）。"))
