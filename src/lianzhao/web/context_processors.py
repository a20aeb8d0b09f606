"""Template context shared by every page: the navigation entries the user may open."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianzhao.accounts import permissions
from lianzhao.accounts.choices import Role
from lianzhao.aftercare.permissions import can_use_service


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # gettext_noop marks the labels for the catalogue; base.html translates them ({% translate %}).
    items = [
        ("dashboard", gettext_noop("驾驶舱"), reverse("dashboard")),
        ("industries", gettext_noop("产业链"), reverse("industry_list")),
        ("analysis", gettext_noop("补链分析"), reverse("analysis_overview")),
        ("targets", gettext_noop("招商目标"), reverse("target_overview")),
        ("projects", gettext_noop("招商项目"), reverse("project_list")),
        ("enterprises", gettext_noop("企业库"), reverse("enterprise_list")),
        ("dispatch", gettext_noop("统筹调度"), reverse("weekly_report")),
    ]
    if permissions.role_of(user) == Role.OFFICER:
        before_projects = next(i for i, item in enumerate(items) if item[0] == "projects")
        items.insert(before_projects, ("my_projects", gettext_noop("我的项目"), reverse("my_projects")))
    if can_use_service(user):
        items.insert(-1, ("service", gettext_noop("企业服务"), reverse("ticket_list")))
    if permissions.role_of(user) == Role.RESPONDER:
        # Staff of departments outside the bureau: their start page and the requests routed to them.
        items = [("dashboard", gettext_noop("驾驶舱"), reverse("dashboard")),
                 ("service", gettext_noop("企业服务"), reverse("ticket_list"))]
    if permissions.can_view_audit(user):
        items.append(("audit", gettext_noop("审计日志"), reverse("audit_list")))
    if user.is_staff:
        items.append(("admin", gettext_noop("基础数据管理"), reverse("admin:index")))
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


def chart_labels(request):
    """Every word the charts (static/lianzhao/charts.js) print, in the reader's language: base.html
    hands them to the script as JSON, so no chart text is written in the script itself."""
    return {"chart_labels": {
        "colon": _("："), "comma": _("，"), "open": _("（"), "close": _("）"), "list_sep": _("、"),
        "yi": _("亿元"), "unit_yi": _(" 亿元"), "unit_projects": _(" 个项目"),
        "local_firms": _("本地企业："), "chain_leaders": _("链主："), "gbt_codes": _("行业代码："),
        "local_demand": _("本地需求 "), "leakage": _("外溢 "), "named_in_report": _("（报道所列）"),
        "signed_rate": _("签约转化率"), "production_rate": _("投产转化率"), "leads": _("线索 "),
        "signed_total": _("签约额"), "funds_total": _("实际到位资金"),
    }}
