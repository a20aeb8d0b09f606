from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from lianzhao.core.health import healthz
from lianzhao.dashboard.views import dashboard
from lianzhao.targets.views import enterprise_profile
from lianzhao.web.views import audit_list

admin.site.site_header = _("链招 · 基础数据管理")
admin.site.site_title = _("链招")

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/", include("lianzhao.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("industries/", include("lianzhao.industries.urls")),
    path("projects/", include("lianzhao.projects.urls")),
    # The company profile lives with the targets (it reads the pipeline and the chain matches).
    path("enterprises/<int:pk>/", enterprise_profile, name="enterprise_detail"),
    path("enterprises/", include("lianzhao.enterprises.urls")),
    path("targets/", include("lianzhao.targets.urls")),
    path("dispatch/", include("lianzhao.dispatch.urls")),
    path("service/", include("lianzhao.aftercare.urls")),
    path("analysis/", include("lianzhao.analysis.urls")),
    path("audit/", audit_list, name="audit_list"),
    path("jobs/", include("lianzhao.jobs.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
