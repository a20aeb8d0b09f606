"""Consistency of the Jimo demo pack content (lianzhao.demo.pack_data / pack_chains).

Plain pytest, no database. Checks against the GB/T 4754-2017 and division reference data are skipped,
with the reason, when the reference data folder is not installed.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from lianzhao.demo import pack_chains, pack_data
from lianzhao.demo.pack_data import (
    CHAINS,
    DEPARTMENTS,
    ENTERPRISES,
    HONEYCOMB_LINKS,
    INDUSTRIES,
    KPIS,
    PROJECTS,
    REGION,
    SOURCE_ARTICLE,
    USERS,
)
from lianzhao.paths import DataDirError

PIPELINE = ["lead", "contacted", "negotiating", "signed", "registered", "construction", "production",
            "full_capacity"]
STAGES = set(PIPELINE) | {"paused", "dropped"}
SIGNED_OR_LATER = set(PIPELINE[PIPELINE.index("signed"):])
OPEN_STAGES = set(PIPELINE[: PIPELINE.index("production") + 1])
METHODS = {"fund", "capital", "referral", "resident_office", "expo", "platform", "other"}
POSITIONS = {"upstream", "midstream", "downstream"}
LINK_KINDS = {"application", "energy_storage", "innovation", "supply", "other"}
SCALES = {"large", "medium", "small", "micro"}
ROLES = {"admin", "leader", "officer", "analyst"}
LEADING = ["nev", "green_energy", "marine", "textile", "ngit", "logistics"]
EMERGING = ["new_materials", "smart_equipment", "low_altitude"]
LAST_DATE = dt.date(2025, 11, 30)

ALL_NODES = {n["key"]: (industry, n) for industry, nodes in CHAINS.items() for n in nodes}
ENTERPRISE_KEYS = {e["key"] for e in ENTERPRISES}
INDUSTRY_KEYS = {i["key"] for i in INDUSTRIES}
DEPARTMENT_CODES = {d["code"] for d in DEPARTMENTS}
USERS_BY_NAME = {u["username"]: u for u in USERS}


def _classification():
    from lianzhao.refdata.gbt4754 import load_classification

    try:
        return load_classification()
    except DataDirError as exc:
        pytest.skip(f"GB/T 4754-2017 reference data not installed: {exc}")


def _divisions():
    from lianzhao.refdata.divisions import load_divisions

    try:
        return load_divisions()
    except DataDirError as exc:
        pytest.skip(f"Division-code reference data not installed: {exc}")


def _is_decimal(value: str) -> bool:
    try:
        return Decimal(value) > 0 and re.fullmatch(r"\d+(\.\d{1,2})?", value) is not None
    except (InvalidOperation, TypeError):
        return False


# ------------------------------------------------------------------ module shape


@pytest.mark.parametrize("module", [pack_data, pack_chains])
def test_modules_are_plain_constants(module):
    """Only constants: no functions or classes, and no import except pack_chains."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    for node in tree.body:
        assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef), node.name
        if isinstance(node, ast.Import | ast.ImportFrom):
            assert isinstance(node, ast.ImportFrom) and node.module == "lianzhao.demo.pack_chains"


def test_region_departments_users():
    assert REGION == {"code": "370215", "name": "即墨区", "parent_code": "3702"}
    assert 4 <= len(DEPARTMENTS) <= 5 and len(DEPARTMENT_CODES) == len(DEPARTMENTS)
    assert {u["role"] for u in USERS} == ROLES
    assert len(USERS_BY_NAME) == len(USERS)
    for u in USERS:
        assert u["department"] is None or u["department"] in DEPARTMENT_CODES
        assert u["display_name"].endswith("（示例）")
    assert USERS_BY_NAME["officer"]["department"] == "invest-1"
    assert USERS_BY_NAME["officer2"]["department"] == "invest-2"


def test_industries_follow_the_article():
    assert [i["key"] for i in INDUSTRIES] == LEADING + EMERGING
    assert [i["order"] for i in INDUSTRIES] == list(range(1, 10))
    assert [i["kind"] for i in INDUSTRIES] == ["leading"] * 6 + ["emerging"] * 3
    assert [i["name"] for i in INDUSTRIES] == [
        "新能源汽车", "绿色能源", "海洋", "纺织服装", "新一代信息技术", "商贸物流", "新材料", "智能装备制造", "低空经济",
    ]
    assert all(i["source"] == SOURCE_ARTICLE and i["description"] for i in INDUSTRIES)


def test_honeycomb_links_are_the_three_from_the_article():
    assert [(link["source"], link["target"], link["kind"]) for link in HONEYCOMB_LINKS] == [
        ("nev", "ngit", "application"),
        ("green_energy", "nev", "energy_storage"),
        ("logistics", "textile", "innovation"),
    ]
    for link in HONEYCOMB_LINKS:
        assert link["kind"] in LINK_KINDS
        assert link["citation"] == SOURCE_ARTICLE and link["note"]


# ------------------------------------------------------------------ chains


def test_one_chain_per_leading_industry():
    assert set(CHAINS) == set(LEADING)


@pytest.mark.parametrize("industry", LEADING)
def test_chain_shape(industry):
    nodes = CHAINS[industry]
    assert len(nodes) >= 12
    per_position = Counter(n["position"] for n in nodes)
    assert set(per_position) <= POSITIONS
    assert all(per_position[p] >= 3 for p in POSITIONS), per_position
    seen = set()
    for n in nodes:
        assert n["key"].startswith(industry + "-"), n["key"]
        assert n["parent"] is None or n["parent"] in seen, f"{n['key']}: parent {n['parent']} not earlier"
        seen.add(n["key"])
        assert n["name"] and n["description"]
        assert 1 <= len(n["gbt_codes"]) <= 3 and len(set(n["gbt_codes"])) == len(n["gbt_codes"])
        assert all(re.fullmatch(r"\d{4}", c) for c in n["gbt_codes"]), n["gbt_codes"]
        assert 2 <= len(n["keywords"]) <= 8
        # An exclusion word inside a keyword or the name would exclude the node's own products.
        excludes = n.get("exclude", [])
        assert len(excludes) <= 8 and not any(w in t for w in excludes for t in (*n["keywords"], n["name"])), n["key"]


def test_node_keys_unique_across_chains():
    keys = [n["key"] for nodes in CHAINS.values() for n in nodes]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z0-9_-]{1,48}", k) for k in keys)  # a slug that fits ChainNode.key
    for nodes in CHAINS.values():
        names = [n["name"] for n in nodes]
        assert len(names) == len(set(names))  # names are unique within an industry


def test_gbt_codes_exist_at_level_4():
    classification = _classification()
    codes = {c for nodes in CHAINS.values() for n in nodes for c in n["gbt_codes"]}
    codes |= {e["gbt_code"] for e in ENTERPRISES}
    bad = sorted(c for c in codes if (cls := classification.get(c)) is None or cls.level != 4)
    assert not bad, f"not GB/T 4754-2017 小类 codes: {bad}"


# ------------------------------------------------------------------ enterprises


def test_enterprises():
    assert 40 <= len(ENTERPRISES) <= 60
    assert len(ENTERPRISE_KEYS) == len(ENTERPRISES)
    names = [e["name"] for e in ENTERPRISES]
    assert len(names) == len(set(names))
    for e in ENTERPRISES:
        assert e["uscc"] is None
        assert e["scale"] in SCALES
        assert re.fullmatch(r"\d{4}", e["gbt_code"])
        for node in e["chain_nodes"]:
            assert node in ALL_NODES, (e["key"], node)
        if e["is_local"]:
            assert e["region_code"] == REGION["code"]
        else:
            assert e["region_code"] != REGION["code"]
        if e["is_sample"]:
            assert e["name"].startswith("示例·") and "某" in e["name"], e["name"]
            assert e["note"].startswith("示例")
            if e["chain_nodes"]:  # a sample firm's industry code is one of its nodes' codes
                node_codes = {c for k in e["chain_nodes"] for c in ALL_NODES[k][1]["gbt_codes"]}
                assert e["gbt_code"] in node_codes, e["key"]
        else:
            assert not e["name"].startswith("示例")
            assert SOURCE_ARTICLE in e["note"]


def test_real_companies_from_the_article():
    real = {e["name"]: e for e in ENTERPRISES if not e["is_sample"]}
    assert set(real) == {"中国电力建设集团有限公司", "中国华电集团有限公司", "中国华能集团有限公司", "中国东方电气集团有限公司"}
    assert real["中国东方电气集团有限公司"]["is_chain_leader"]
    assert not any(e["is_local"] for e in real.values())


def test_local_presence_varies_over_nodes():
    local = Counter(k for e in ENTERPRISES if e["is_local"] for k in e["chain_nodes"])
    assert any(n >= 2 for n in local.values()), "some node should have several local firms"
    for industry, nodes in CHAINS.items():
        present = [n for n in nodes if local[n["key"]]]
        assert present, f"{industry}: no local firm at all"
        assert len(present) < len(nodes), f"{industry}: no gap left to show"


def test_region_codes_exist():
    divisions = _divisions()
    assert REGION["code"] in divisions and REGION["parent_code"] in divisions
    assert divisions.get(REGION["code"]).name == REGION["name"]
    assert divisions.get(REGION["code"]).parent_code == REGION["parent_code"]
    missing = sorted({e["region_code"] for e in ENTERPRISES if e["region_code"] not in divisions})
    assert not missing, f"unknown division codes: {missing}"
    assert all(len(e["region_code"]) == 6 for e in ENTERPRISES)


# ------------------------------------------------------------------ projects


def test_project_keys_and_names():
    keys = [p["key"] for p in PROJECTS]
    assert len(keys) == len(set(keys))
    assert 30 <= len(PROJECTS) <= 45
    for p in PROJECTS:
        if p["is_sample"]:
            assert p["name"].startswith("示例"), p["name"]
            assert p["notes"].startswith("示例")
        else:
            assert p["citation"] == SOURCE_ARTICLE, p["key"]


def test_project_values_in_allowed_sets():
    for p in PROJECTS:
        assert p["stage"] in STAGES, p["key"]
        assert p["method"] in METHODS, p["key"]
        assert p["amount"] is None or _is_decimal(p["amount"]), p["key"]
        if p["method"] == "referral":
            assert p["referrer"], f"{p['key']}: 以商招商 needs a referrer"


def test_project_references_exist():
    for p in PROJECTS:
        assert p["industry"] in INDUSTRY_KEYS, p["key"]
        assert p["investor"] is None or p["investor"] in ENTERPRISE_KEYS, p["key"]
        assert p["department"] in DEPARTMENT_CODES, p["key"]
        if p["chain_node"] is not None:
            assert p["chain_node"] in ALL_NODES, p["key"]
            assert ALL_NODES[p["chain_node"]][0] == p["industry"], f"{p['key']}: node of another industry"
        if p["officer"] is not None:
            officer = USERS_BY_NAME[p["officer"]]
            assert officer["role"] == "officer"
            assert officer["department"] == p["department"], p["key"]


def test_project_dates():
    order = PIPELINE + ["paused", "dropped"]
    for p in PROJECTS:
        dates = p["dates"]
        assert dates and p["stage"] in dates, p["key"]
        assert list(dates) == sorted(dates, key=order.index), f"{p['key']}: stages out of order"
        assert "paused" not in dates or "dropped" not in dates
        parsed = [dt.date.fromisoformat(d) for d in dates.values()]
        assert parsed == sorted(parsed), f"{p['key']}: dates go backwards"
        assert parsed[-1] <= LAST_DATE, p["key"]
        assert list(dates)[-1] == p["stage"], f"{p['key']}: the current stage is the last one reached"
        if p["stage"] == "paused":
            assert p["paused_from"] in PIPELINE and p["paused_from"] in dates, p["key"]
        else:
            assert p["paused_from"] is None, p["key"]


def test_signed_projects_have_signing_data():
    for p in PROJECTS:
        signed = p["stage"] in SIGNED_OR_LATER or (p["stage"] == "paused" and p["paused_from"] in SIGNED_OR_LATER)
        if signed:
            assert "signed" in p["dates"], p["key"]
            assert p["signed_amount"] is not None and _is_decimal(p["signed_amount"]), p["key"]
        if "signed" not in p["dates"]:
            assert p["signed_amount"] is None, p["key"]


def test_every_stage_has_a_project():
    assert {p["stage"] for p in PROJECTS} == STAGES


def test_officer_has_a_workable_pipeline():
    mine = [p for p in PROJECTS if p["officer"] == "officer"]
    assert len([p for p in mine if p["industry"] in {"nev", "smart_equipment"}]) >= 6
    assert len([p for p in mine if p["stage"] in OPEN_STAGES]) >= 2
    assert len({p["stage"] for p in mine}) >= 5
    theirs = [p for p in PROJECTS if p["officer"] == "officer2"]
    assert {p["industry"] for p in theirs} <= {"green_energy", "marine"}


def test_article_projects_use_only_article_figures():
    real = {p["name"]: p for p in PROJECTS if not p["is_sample"]}
    assert set(real) == {"中电建海上光伏项目", "华电海上风电项目", "华能海上风电项目", "女岛港百亿级新能源装备产业园"}
    pv = real["中电建海上光伏项目"]
    assert (pv["amount"], pv["signed_amount"], pv["stage"]) == ("102", "102", "construction")
    assert pv["dates"] == {"signed": "2025-03-28", "construction": "2025-03-28"}
    for name in ("华电海上风电项目", "华能海上风电项目", "女岛港百亿级新能源装备产业园"):
        p = real[name]
        assert (p["amount"], p["stage"], p["signed_amount"]) == ("100", "negotiating", None)
        assert "下限" in p["notes"]
    investors = {e["key"]: e for e in ENTERPRISES}
    for p in real.values():
        assert p["investor"] and not investors[p["investor"]]["is_sample"]
        assert "2025-03-28" in p["notes"]
    # and no sample project is attached to a real company
    for p in PROJECTS:
        if p["is_sample"] and p["investor"]:
            assert investors[p["investor"]]["is_sample"], p["key"]


def test_kpis_cite_the_article():
    keys = {k["key"] for k in KPIS}
    assert {"vehicle_output", "vehicle_bases", "nev_share", "auto_target"} <= keys
    for k in KPIS:
        assert k["source"] == SOURCE_ARTICLE
        assert _is_decimal(k["value"]) and k["unit"] and isinstance(k["year"], int)
    by_key = {k["key"]: k for k in KPIS}
    assert (by_key["vehicle_output"]["value"], by_key["vehicle_output"]["unit"]) == ("45", "万辆")
    assert (by_key["vehicle_bases"]["value"], by_key["nev_share"]["value"]) == ("4", "20")
