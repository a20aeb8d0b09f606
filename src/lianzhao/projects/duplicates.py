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

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from fractions import Fraction

from django.db.models import Q
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


@dataclass(frozen=True)
class _Entry:
    pk: int
    name: str
    investor_id: int | None
    industry_id: int
    tokens: tuple  # the normalised name's characters, rarest first (see DuplicateIndex)
    token_set: frozenset


class _Block:
    """The projects of one scope (one investor; one industry; one industry's projects without an
    investor), with three inverted maps from a token to the entries it can find."""

    def __init__(self, entries: list[_Entry]):
        self.prefix: dict = defaultdict(list)  # token -> entries having it in their ratio prefix
        self.first: dict = defaultdict(list)  # token -> entries whose rarest token it is
        self.every: dict = defaultdict(list)  # token -> entries having it at all
        for entry in entries:
            for token in entry.tokens[:_prefix_length(len(entry.tokens))]:
                self.prefix[token].append(entry)
            self.first[entry.tokens[0]].append(entry)
            for token in entry.tokens:
                self.every[token].append(entry)

    def candidates(self, tokens: tuple) -> dict[int, _Entry]:
        found = {}
        for token in tokens[:_prefix_length(len(tokens))]:  # the ratio rule
            for entry in self.prefix.get(token, ()):
                found[entry.pk] = entry
        if len(tokens) >= 2:  # containment: the shorter name's rarest token is in the longer one
            for entry in self.every.get(tokens[0], ()):
                found[entry.pk] = entry
            for token in tokens:
                for entry in self.first.get(token, ()):
                    found[entry.pk] = entry
        return found


def _prefix_length(length: int) -> int:
    """How many of a name's rarest tokens must include one shared with any name it is similar to
    by ratio. A ratio 2M/(a+b) ≥ θ needs the shorter length ≥ θ/(2−θ) × the longer, hence at least
    ⌈θ/(2−θ) × a⌉ shared tokens; two sets sharing t tokens share one among the first (size − t + 1)
    of each, in any fixed order (prefix filtering: Chaudhuri, Ganti & Kaushik, ICDE 2006)."""
    least = math.ceil(_OVERLAP * length)
    return max(length - least + 1, 1)


_THETA = Fraction(NAME_THRESHOLD).limit_denominator(1000)  # exact, so the bounds never round the wrong way
_OVERLAP = _THETA / (2 - _THETA)


class DuplicateIndex:
    """Likely duplicates among a set of existing projects, found without comparing every pair.

    Each normalised name is a set of tokens (its characters, the k-th repeat of a character a token
    of its own), ordered rarest first over the indexed names. A similar pair must share one of a few
    rare tokens (:func:`_prefix_length` for the ratio, the shorter name's rarest token for
    containment), so only projects sharing one are compared with :func:`name_similarity`: the
    same results as comparing every pair, for a few comparisons per name instead of one per project
    of the industry. The scope is that of :func:`find_duplicate_candidates`.
    """

    def __init__(self, rows):
        """``rows``: (pk, name, investor_id, industry_id) of each project to search."""
        rows = [(pk, name, investor, industry, normalise_name(name)) for pk, name, investor, industry in rows]
        self._frequency = Counter(char for *_, norm in rows for char in set(norm))
        self._entries = []
        for pk, name, investor, industry, norm in rows:
            if norm:
                tokens = self._tokens(norm)
                self._entries.append(_Entry(pk, name, investor, industry, tokens, frozenset(tokens)))
        self._blocks: dict[tuple, _Block] = {}

    @classmethod
    def for_scope(cls, *, investor_ids=(), industry_ids=(), exclude_pk: int | None = None) -> DuplicateIndex:
        """The counted (not merged) projects of these investors and industries (one query)."""
        scope = InvestmentProject.objects.filter(Q(investor_id__in=[i for i in investor_ids if i is not None])
                                                 | Q(industry_id__in=[i for i in industry_ids if i is not None]))
        if exclude_pk is not None:
            scope = scope.exclude(pk=exclude_pk)
        return cls(scope.values_list("pk", "name", "investor_id", "industry_id"))

    def _tokens(self, normalised: str) -> tuple:
        seen: Counter = Counter()
        tokens = []
        for char in normalised:
            tokens.append((self._frequency.get(char, 0), char, seen[char]))
            seen[char] += 1
        return tuple(sorted(tokens))

    def _block(self, key: tuple) -> _Block:
        if key not in self._blocks:
            kind, value = key
            if kind == "investor":
                entries = [e for e in self._entries if e.investor_id == value]
            elif kind == "industry":
                entries = [e for e in self._entries if e.industry_id == value]
            else:
                entries = [e for e in self._entries if e.industry_id == value and e.investor_id is None]
            self._blocks[key] = _Block(entries)
        return self._blocks[key]

    def similar(self, *, name: str, investor_id: int | None, industry_id: int | None) -> list[tuple[int, float]]:
        """(pk, similarity) of the indexed projects likely the same as the one described, most similar
        first: the same investor, or the same industry when either side has no investor."""
        normalised = normalise_name(name)
        if not normalised:
            return []
        tokens = self._tokens(normalised)
        keys = []
        if investor_id is not None:
            keys.append(("investor", investor_id))
        if industry_id is not None:
            keys.append(("industry", industry_id) if investor_id is None else ("no-investor", industry_id))
        found = {}
        for key in keys:
            found.update(self._block(key).candidates(tokens))
        query, size, scored = frozenset(tokens), len(tokens), []
        for pk, entry in found.items():
            # The shared tokens bound both rules: a ratio needs 2 × shared ≥ θ × (a + b), containment
            # needs the shorter name whole. difflib runs only when one of them is still possible.
            shared, other = len(query & entry.token_set), len(entry.tokens)
            if (shared < min(size, other) or min(size, other) < 2) and 2 * shared * _THETA.denominator < _THETA.numerator * (size + other):
                continue
            if (score := name_similarity(name, entry.name)) >= NAME_THRESHOLD:
                scored.append((pk, score))
        return sorted(scored, key=lambda item: (-item[1], item[0]))


def find_duplicate_candidates(*, name: str, investor=None, industry=None,
                              exclude_pk: int | None = None, limit: int = 5) -> list[DuplicateCandidate]:
    """Existing (not merged) projects that are likely the same as the one described, most similar
    first: projects of the same investor or, for projects without an investor on either side, of
    the same industry. One query for the names (:class:`DuplicateIndex`), one for the projects found."""
    if not name:
        return []
    investor_id, industry_id = getattr(investor, "pk", investor), getattr(industry, "pk", industry)
    index = DuplicateIndex.for_scope(investor_ids=[investor_id], industry_ids=[industry_id], exclude_pk=exclude_pk)
    return describe(index.similar(name=name, investor_id=investor_id, industry_id=industry_id)[:limit],
                    investor_id=investor_id)


def describe(found: list[tuple[int, float]], *, investor_id: int | None) -> list[DuplicateCandidate]:
    """The projects of (pk, similarity) pairs as candidates with the reason each was found."""
    if not found:
        return []
    projects = InvestmentProject.all_objects.select_related("investor", "industry", "department").in_bulk(
        [pk for pk, _ in found])
    out = []
    for pk, score in found:
        project = projects[pk]
        if investor_id is not None and project.investor_id == investor_id:
            why = _("同一投资方“%(investor)s”，项目名称相似") % {"investor": project.investor}
        else:
            why = _("同一产业“%(industry)s”（至少一方未填投资方），项目名称相似") % {"industry": project.industry}
        out.append(DuplicateCandidate(project, round(score, 2), why))
    return out
