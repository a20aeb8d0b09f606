from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from lianzhao.web.views import audit_list
from lianzhao.dashboard.views import dashboard

admin.site.site_header = _("链招 · 基础数据管理")
admin.site.site_title = _("链招")

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("industries/", include("lianzhao.industries.urls")),
    path("projects/", include("lianzhao.projects.urls")),
    path("enterprises/", include("lianzhao.enterprises.urls")),
    path("dispatch/", include("lianzhao.dispatch.urls")),
    path("analysis/", include("lianzhao.analysis.urls")),
    path("audit/", audit_list, name="audit_list"),
    path("jobs/", include("lianzhao.jobs.urls")),
    path("admin/", admin.site.urls),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain"), name="healthz"),
]
