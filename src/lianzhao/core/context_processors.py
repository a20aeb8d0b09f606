"""Template context shared by every page: the navigation entries the user may open."""

from __future__ import annotations

from django.urls import reverse

from lianzhao.accounts import permissions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        ("dashboard", "驾驶舱", reverse("dashboard")),
        ("industries", "产业链", reverse("industry_list")),
        ("projects", "招商项目", reverse("project_list")),
        ("enterprises", "企业库", reverse("enterprise_list")),
    ]
    if permissions.can_view_audit(user):
        items.append(("audit", "审计日志", reverse("audit_list")))
    if user.is_staff:
        items.append(("admin", "基础数据管理", reverse("admin:index")))
    path = request.path
    return {
        "nav_items": [
            {"key": key, "label": label, "url": url,
             "active": path == url if url == "/" else path.startswith(url)}
            for key, label, url in items
        ]
    }
