"""Finding likely duplicates of a project before it is created (one identity per project).

Two projects are likely the same when their names are similar AND something else agrees:

* names are compared after :func:`normalise_name` strips what every project name carries
  (示例·, 项目, 有限公司, 集团, 生产基地…, spaces and punctuation). They are *similar* when one
  normalised name contains the other (at least two characters), or when difflib's
  ``SequenceMatcher`` ratio over characters is at least :data:`NAME_THRESHOLD` (0.6). Chinese names
  have no spaces, so characters are the tokens. "示例·正极材料生产基地项目" and "正极材料基地二期项目"
  both normalise to "正极材料" (similar); "电驱动总成项目" against "充电桩生产线项目" scores 0.18 and
  "测试项目1" against "测试项目2" 0.67 (similar: only the investor or industry check tells them apart).
* and: the same investor; or, when either side has no investor, the same industry. Projects of
  different investors are never flagged (two firms may well build similar plants). Every project
  is in the district, so the region always agrees.

Merged projects are never candidates; dropped ones are (a revived project should resume, not be
registered again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from lianzhao.projects.models import InvestmentProject

NAME_THRESHOLD = 0.6

_AFFIXES = ("示例·", "示例", "股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "项目", "工程",
            "生产基地", "基地", "一期", "二期", "三期")
_PUNCTUATION = re.compile(r"[\s·•・.,，。、:：;；()（）\[\]【】“”\"'‘’\-—_/]+")


def normalise_name(name: str) -> str:
    """The distinctive part of a project name: affixes, spaces and punctuation removed."""
    text = _PUNCTUATION.sub("", name or "")
    for affix in _AFFIXES:
        text = text.replace(affix, "")
    return text.lower()


def name_similarity(a: str, b: str) -> float:
    """1.0 when one normalised name contains the other (≥ 2 characters), else difflib's ratio."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    shorter, longer = sorted((na, nb), key=len)
    if len(shorter) >= 2 and shorter in longer:
        return 1.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


@dataclass(frozen=True)
class DuplicateCandidate:
    project: InvestmentProject
    similarity: float
    reason: str


def find_duplicate_candidates(*, name: str, investor=None, industry=None,
                              exclude_pk: int | None = None, limit: int = 5) -> list[DuplicateCandidate]:
    """Existing (not merged) projects that are likely the same as the one described, most similar
    first. One query: projects of the same investor or, for projects without an investor on
    either side, of the same industry."""
    if not name:
        return []
    scope = InvestmentProject.objects.none()
    if investor is not None:
        scope = InvestmentProject.objects.filter(investor=investor)
    if industry is not None:
        same_industry = InvestmentProject.objects.filter(industry=industry)
        if investor is not None:
            same_industry = same_industry.filter(investor__isnull=True)
        scope = scope | same_industry
    if exclude_pk is not None:
        scope = scope.exclude(pk=exclude_pk)
    found = []
    for project in scope.select_related("investor", "industry", "department"):
        score = name_similarity(name, project.name)
        if score < NAME_THRESHOLD:
            continue
        if investor is not None and project.investor_id == getattr(investor, "pk", investor):
            why = _("同一投资方“%(investor)s”，项目名称相似") % {"investor": project.investor}
        else:
            why = _("同一产业“%(industry)s”（至少一方未填投资方），项目名称相似") % {"industry": project.industry}
        found.append(DuplicateCandidate(project, round(score, 2), why))
    found.sort(key=lambda c: (-c.similarity, c.project.pk))
    return found[:limit]
