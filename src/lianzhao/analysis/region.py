"""Which region the installation works for: the one region with analysis settings, else the demo
district, else the first county-level region."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from lianzhao.core.models import Region


def current_region() -> Region:
    region = (Region.objects.filter(analysis_settings__isnull=False).first()
              or Region.objects.filter(code__regex=r"^\d{6}$").order_by("code").first())
    if region is None:
        raise Http404(_("尚未设置本区（区划），请先加载示例数据或在管理后台添加区划。"))
    return region
