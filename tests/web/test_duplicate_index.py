"""The likely-duplicate index finds exactly what comparing every pair finds (property test), and the
import's duplicate check still names the projects the pairwise check named."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from lianzhao.projects.duplicates import NAME_THRESHOLD, DuplicateIndex, name_similarity

# Few distinct characters, so that random names share many and similar pairs are common, plus the
# affixes and punctuation the normaliser removes.
_CHARS = "甲乙丙丁戊己庚辛壬癸子丑"
names = st.lists(st.sampled_from([*_CHARS, "项目", "二期", "示例·", "（", " "]), max_size=9).map("".join)
projects = st.lists(st.tuples(names, st.sampled_from([None, 1, 2]), st.sampled_from([10, 11])), max_size=40)


def _pairwise(rows, name, investor, industry):
    """The definition: the scope of find_duplicate_candidates, name_similarity on every pair."""
    found = []
    for pk, other, other_investor, other_industry in rows:
        in_scope = (investor is not None and other_investor == investor) or (
            other_industry == industry and (investor is None or other_investor is None))
        if in_scope and (score := name_similarity(name, other)) >= NAME_THRESHOLD:
            found.append((pk, score))
    return sorted(found, key=lambda item: (-item[1], item[0]))


@settings(max_examples=200, deadline=None)
@given(projects, names, st.sampled_from([None, 1, 2]), st.sampled_from([10, 11]))
@example([("甲乙癸丁己", None, 10), ("壬丑", None, 10)], "甲庚乙癸", None, 10)  # similar, neither's rarest shared
def test_the_index_finds_the_same_candidates_as_comparing_every_pair(existing, name, investor, industry):
    rows = [(pk, *row) for pk, row in enumerate(existing, start=1)]
    index = DuplicateIndex(rows)
    assert index.similar(name=name, investor_id=investor, industry_id=industry) == _pairwise(
        rows, name, investor, industry)


def test_it_finds_near_copies_among_many_unrelated_names():
    rows = [(pk, f"示例·{chr(0x4E00 + pk % 3000)}{chr(0x4E00 + pk * 7 % 3000)}{chr(0x5E00 + pk % 997)}"
                 f"{chr(0x6000 + pk % 991)}动力电池项目", None, 1) for pk in range(1, 3001)]
    index = DuplicateIndex(rows)
    target = rows[1234][1]
    found = index.similar(name=target.replace("项目", "二期项目"), investor_id=None, industry_id=1)
    assert found[0] == (1235, 1.0)
    assert index.similar(name="完全无关的名称", investor_id=None, industry_id=1) == []
