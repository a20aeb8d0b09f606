"""Template context shared by every page: the navigation entries the user may open."""

from __future__ import annotations

from django.urls import reverse

from lianzhao.accounts import permissions
from lianzhao.accounts.choices import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        ("dashboard", "驾驶舱", reverse("dashboard")),
        ("industries", "产业链", reverse("industry_list")),
        ("analysis", "补链分析", reverse("analysis_overview")),
        ("projects", "招商项目", reverse("project_list")),
        ("enterprises", "企业库", reverse("enterprise_list")),
        ("dispatch", "统筹调度", reverse("weekly_report")),
    ]
    if permissions.role_of(user) == Role.OFFICER:
        items.insert(3, ("my_projects", "我的项目", reverse("my_projects")))
    if permissions.can_view_audit(user):
        items.append(("audit", "审计日志", reverse("audit_list")))
    if user.is_staff:
        items.append(("admin", "基础数据管理", reverse("admin:index")))
    path = request.path
    # The longest matching prefix wins, so /projects/mine/ marks 我的项目 and not 招商项目 too.
    matches = [url for _, _, url in items if (path == url if url == "/" else path.startswith(url))]
    active = max(matches, key=len) if matches else None
    return {
        "nav_items": [
            {"key": key, "label": label, "url": url, "active": url == active}
            for key, label, url in items
        ]
    }
