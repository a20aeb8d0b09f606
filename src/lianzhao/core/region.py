"""Which region is "the district" the installation works for — one definition for every page and
report (the analyses, the weekly report's title and unit)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from lianzhao.core.models import Region


class DistrictUnknown(Exception):
    """The district cannot be told; the message (in the active language) says what to do."""


def district() -> Region:
    """The district (区/县): the region whose code ``LIANZHAO_DISTRICT`` names when it is set, else the
    one county-level region (6-digit division code) in the database. Raises :class:`DistrictUnknown`
    when there is none, or when there are several and the setting does not say which: choosing one
    by order would report on a neighbouring district without saying so."""
    code = settings.DISTRICT_CODE
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise DistrictUnknown(_("LIANZHAO_DISTRICT 为 %(code)s，但区划表中没有该区划：请在管理后台添加，"
                                    "或加载示例数据。") % {"code": code})
        return region
    counties = list(Region.objects.filter(code__regex=r"^\d{6}$").order_by("code")[:2])
    if not counties:
        raise DistrictUnknown(_("尚未设置本区（区划），请先加载示例数据或在管理后台添加区划。"))
    if len(counties) > 1:
        raise DistrictUnknown(_("区划表中有多个区县级区划，无法确定本区：请用环境变量 LIANZHAO_DISTRICT "
                                "指定本区的 6 位区划代码。"))
    return counties[0]
