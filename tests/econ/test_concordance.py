"""The GB/T 4754-2017 → NBS input-output concordance (src/lianzhao/econ/concordance/).

Tests marked by the ``gbt_data`` / ``nbs_data`` fixtures read the reference data folder and skip
without it; the loader tests need only the CSVs that ship with the package.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import concordance as conc
from lianzhao.econ.concordance import (
    AmbiguousCodeError,
    ConcordanceError,
    Sector,
    UnknownCodeError,
    load_concordance,
    sector_for,
    sectors_for_codes,
    small_classes,
)
from tests.econ.conftest import _data_folder as _data  # skips when the data folder is missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gbt_small_classes() -> list[str]:
    path = _data("gbt4754_2017/derived") / "gbt4754_2017_flat.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r["code"] for r in csv.DictReader(fh) if r["level"] == "4"]


@pytest.fixture(scope="module")
def nbs():
    _data("nbs_io_tables/csv")
    from lianzhao.refdata import nbs

    return nbs


@pytest.fixture(scope="module")
def raw_csv() -> pd.DataFrame:
    return pd.read_csv(conc.GBT_FILE, dtype=str, keep_default_na=False)


# --- the mapping itself ----------------------------------------------------------------------


def test_every_small_class_of_the_standard_appears_exactly_once(gbt_small_classes, raw_csv):
    assert len(gbt_small_classes) == 1381
    assert sorted(raw_csv["gbt_code"]) == sorted(gbt_small_classes)


def test_each_small_class_maps_to_exactly_one_sector(raw_csv):
    assert list(raw_csv.columns) == ["gbt_code", "gbt_name", "io153_code", "io153_name", "basis", "note"]
    assert raw_csv["gbt_code"].is_unique
    assert raw_csv["gbt_code"].str.fullmatch(r"\d{4}").all()
    assert (raw_csv["io153_code"] != "").all() and raw_csv["io153_code"].str.fullmatch(r"\d{3}").all()


def test_every_row_states_its_basis_and_every_judgement_its_reason(raw_csv):
    assert set(raw_csv["basis"]) <= set(conc.BASES)
    judged = raw_csv[raw_csv["basis"] == "judgement"]
    assert (judged["note"].str.len() > 10).all(), judged.loc[judged["note"] == "", "gbt_code"].tolist()
    ambiguous = raw_csv[raw_csv["note"].str.startswith(conc.AMBIGUOUS)]
    assert (ambiguous["note"].str.len() > 30).all()


def test_the_names_of_the_small_classes_are_those_of_the_standard(raw_csv):
    from lianzhao.refdata.gbt4754 import load_classification

    _data("gbt4754_2017/derived")
    gbt = load_classification()
    assert all(gbt.get(r.gbt_code).name == r.gbt_name for r in raw_csv.itertuples())


def test_every_target_exists_in_the_2020_tables_with_its_name(nbs, raw_csv):
    names153 = nbs.sector_names(2020, 153)["name_zh"]
    assert set(raw_csv["io153_code"]) == set(names153.index)  # every sector is reached, too
    assert (raw_csv["io153_name"].to_numpy() == names153.loc[raw_csv["io153_code"]].to_numpy()).all()
    table42 = load_concordance(level=42)
    names42 = nbs.sector_names(2020, 42)["name_zh"]
    assert set(table42["sector_code"]) == set(names42.index)
    assert (table42["sector_name"].to_numpy() == names42.loc[table42["sector_code"]].to_numpy()).all()


def test_the_153_to_42_step_adds_up_to_the_42_sector_table(nbs):
    step = pd.read_csv(conc.IO42_FILE, dtype=str).set_index("io153_code")["io42_code"]
    assert len(step) == 153 and step.index.is_unique
    pd.testing.assert_series_equal(step, nbs.concordance_to_42(153).rename_axis("io153_code"), check_names=False)
    x153 = nbs.read_nbs(2020, 153).x
    x42 = nbs.read_nbs(2020, 42).x
    summed = x153.groupby(step.loc[x153.index].to_numpy()).sum()
    np.testing.assert_allclose(summed.loc[x42.index], x42, rtol=1e-9)


def test_every_division_falls_in_one_42_sector():
    table = load_concordance(level=42)
    per_division = table.groupby(table.index.str[:2])["sector_code"].nunique()
    assert (per_division == 1).all(), per_division[per_division > 1]


def test_2018_uses_the_2020_codes_and_names(nbs):
    for n in (153, 42):
        pd.testing.assert_frame_equal(nbs.sector_names(2018, n), nbs.sector_names(2020, n))
    assert nbs.sector_names(2017, 42).equals(nbs.sector_names(2020, 42))


def test_the_2017_149_sector_step_covers_the_table_and_keeps_the_42_sectors(nbs):
    step = pd.read_csv(conc.IO149_FILE, dtype=str, keep_default_na=False)
    names149 = nbs.sector_names(2017, 149)["name_zh"]
    assert set(step["io149_code"]) == set(names149.index)
    assert (step["io149_name"].to_numpy() == names149.loc[step["io149_code"]].to_numpy()).all()
    via149 = nbs.concordance_to_42(149).loc[step["io149_code"]].to_numpy()
    via153 = nbs.concordance_to_42(153).loc[step["io153_code"]].to_numpy()
    assert (via149 == via153).all()
    merged = step[step["io153_code"] != step["io149_code"]]
    assert (merged["note"] != "").sum() == 6  # 071, 077 and the four 2020 construction sectors


def test_the_csvs_are_what_the_rules_build():
    _data("gbt4754_2017/derived")
    _data("nbs_io_tables/csv")
    script = Path(__file__).resolve().parents[2] / "scripts" / "build_concordance.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{done.stdout}{done.stderr}: run python scripts/build_concordance.py"
    assert done.stdout.strip() == "up to date"


@pytest.mark.parametrize("gbt,io153,io42", [
    ("3612", "079", "18"),  # 新能源车整车制造 → 汽车整车
    ("3841", "087", "19"),  # 锂离子电池制造 → 电池
    ("4415", "100", "24"),  # 风力发电 → 电力、热力生产和供应
    ("1711", "027", "07"),  # 棉纺纱加工 → 棉、化纤纺织及印染精加工品
    ("3734", "082", "18"),  # 海洋工程装备制造 → 船舶及相关装置
    ("3825", "085", "19"),  # 光伏设备及元器件制造 → 输配电及控制设备
    ("3415", "067", "16"),  # 风能原动设备制造 → 锅炉及原动设备
    ("5437", "114", "29"),  # 城市配送 → 道路货物运输和运输辅助活动
    ("3973", "094", "20"),  # 集成电路制造 → 电子元器件
    ("1810", None, None),   # not a class: 181 has 1811 and 1819
])
def test_spot_checks(gbt, io153, io42):
    if io153 is None:
        with pytest.raises(UnknownCodeError):
            sector_for(gbt)
        return
    assert sector_for(gbt).code == io153
    assert sector_for(gbt, level=42).code == io42


def test_spot_check_names():
    assert sector_for("3612").name == "汽车整车"
    assert sector_for("3841").name == "电池"
    assert sector_for("4415").name == "电力、热力生产和供应"
    assert sector_for("1711").name == "棉、化纤纺织及印染精加工品"


# --- the loader ------------------------------------------------------------------------------


def test_load_concordance_indexes_every_small_class_with_its_sector():
    table = load_concordance()
    assert table.index.name == "gbt_code" and len(table) == 1381
    assert table.loc["3612", ["sector_code", "sector_name"]].tolist() == ["079", "汽车整车"]
    assert {"gbt_name", "io153_code", "basis", "note"} <= set(table.columns)
    table.loc["3612", "sector_code"] = "999"
    assert load_concordance().loc["3612", "sector_code"] == "079"  # callers get a copy


def test_load_concordance_at_42_sectors_and_for_2017_and_2018():
    assert load_concordance(level=42).loc["3612", "sector_name"] == "交通运输设备"
    assert load_concordance(153, 2018).equals(load_concordance(153, 2020))
    t2017 = load_concordance(149, 2017)
    assert t2017.loc["3612", "sector_code"] == "077"  # 2017 codes shift after 070
    assert t2017.loc["4710", "sector_name"] == "房屋建筑"


def test_load_concordance_refuses_a_classification_it_does_not_have():
    with pytest.raises(ConcordanceError, match="149 sectors/2017"):
        load_concordance(level=153, year=2017)
    with pytest.raises(ConcordanceError):
        load_concordance(level=139, year=2012)


def test_sector_for_returns_the_sector_of_a_small_class():
    assert sector_for("3841") == Sector(code="087", name="电池", level=153, year=2020)
    assert str(sector_for("3841")) == "087 电池"
    assert sector_for(" C3841 ") == sector_for("3841")  # 门类 letter and spaces are tolerated


def test_sector_for_accepts_a_group_or_division_that_falls_in_one_sector():
    assert sector_for("384").code == "087"
    assert sector_for("44").code == "100"
    assert sector_for("36", level=42).code == "18"


def test_sector_for_lists_the_sectors_of_a_group_that_spans_several():
    with pytest.raises(AmbiguousCodeError, match="079 汽车整车.*080 汽车零部件及配件") as info:
        sector_for("36")
    assert info.value.sectors == ["079", "080"]
    with pytest.raises(AmbiguousCodeError, match="117 航空旅客运输"):
        sector_for("561")


@pytest.mark.parametrize("bad", ["99", "9999", "36120", "abc", "", "3"])
def test_sector_for_rejects_codes_that_are_not_classes(bad):
    with pytest.raises(UnknownCodeError):
        sector_for(bad)


def test_sector_for_rejects_integer_codes_that_would_lose_a_leading_zero():
    with pytest.raises(UnknownCodeError, match="string"):
        sector_for(111)


def test_sectors_for_codes_splits_a_node_equally_over_its_codes():
    assert sectors_for_codes(["3841"]) == {"087": 1.0}
    assert sectors_for_codes(["3841", "3824"]) == {"085": 0.5, "087": 0.5}
    assert sectors_for_codes(["3841", "3842", "3824"]) == pytest.approx({"085": 1 / 3, "087": 2 / 3})
    assert sectors_for_codes(["3841", "3841"]) == {"087": 1.0}  # a repeated code counts once
    assert sectors_for_codes(["3841", "3824"], level=42) == {"19": 1.0}


def test_sectors_for_codes_spreads_a_group_over_its_small_classes():
    weights = sectors_for_codes(["36"])  # 8 小类: 361 (2), 363, 364, 365 → 079; 362, 366, 367 → 080
    assert weights == pytest.approx({"079": 5 / 8, "080": 3 / 8})
    assert sum(sectors_for_codes(["36", "3841", "5437"]).values()) == pytest.approx(1.0)


def test_sectors_for_codes_rejects_an_empty_node_and_unknown_codes():
    with pytest.raises(ConcordanceError):
        sectors_for_codes([])
    with pytest.raises(UnknownCodeError):
        sectors_for_codes(["3841", "9999"])


def test_small_classes_lists_every_class_under_a_code_with_its_sector():
    assert small_classes("384") == dict.fromkeys(["3841", "3842", "3843", "3844", "3849"], "087")
    assert small_classes("C3612") == {"3612": "079"}
    assert small_classes("36", level=42) == dict.fromkeys(small_classes("36"), "18")
    with pytest.raises(UnknownCodeError):
        small_classes("99")


def test_every_lookup_agrees_with_the_loaded_concordance():
    # The lookups use their own index of the CSVs; the DataFrame of load_concordance is the reference.
    for level, year in sorted(conc.SUPPORTED):
        frame = load_concordance(level, year)
        for prefix in ("36", "384", "5437", "06"):
            rows = frame[frame.index.str.startswith(prefix)]
            assert small_classes(prefix, level, year) == rows["sector_code"].to_dict()
            shares = rows["sector_code"].value_counts(normalize=True).sort_index().to_dict()
            assert sectors_for_codes([prefix], level, year) == pytest.approx(shares)
        assert sector_for("3841", level, year).name == frame.loc["3841", "sector_name"]


def test_ambiguous_lists_the_rows_with_an_ambiguous_note():
    rows = conc.ambiguous()
    assert len(rows) > 0 and rows["note"].str.startswith("ambiguous:").all()
    assert {"3630", "3962", "5622", "9700"} <= set(rows.index)


def test_the_loader_imports_without_django():
    code = ("import sys, lianzhao.econ.concordance as c; c.sector_for('3612')\n"
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr


def test_the_csvs_ship_with_the_package():
    assert '"econ/concordance/*.csv"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert all(f.is_file() for f in (conc.GBT_FILE, conc.IO42_FILE, conc.IO149_FILE))
