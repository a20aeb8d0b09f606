"""The ``lianzhao io`` command (lianzhao.cli.io.main)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lianzhao.cli.io import main
from lianzhao.refdata.user_table import read_user_table, write_template


@pytest.fixture
def template(tmp_path):
    return str(write_template(tmp_path / "province.xlsx")[0])


def test_multipliers_on_nbs_2020_prints_the_top_ten_by_output_multiplier(nbs_data, capsys):
    assert main(["multipliers"]) == 0
    out = capsys.readouterr().out
    assert "NBS 2020 (42 sectors)" in out and "top 10" in out
    rows = [line for line in out.splitlines() if line[:2].isdigit()]
    assert len(rows) == 10
    multipliers = [float(line.split()[-4]) for line in rows]
    assert multipliers == sorted(multipliers, reverse=True)
    assert rows[0].startswith("08") and "纺织服装鞋帽皮革羽绒及其制品" in rows[0] and "Manufacture of wearing" in rows[0]


def test_info_reports_the_balance_checks_and_gdp(nbs_data, capsys):
    assert main(["info", "--table", "nbs:2020:153"]) == 0
    out = capsys.readouterr().out
    assert "row balance, worst" in out and "column balance, worst" in out
    assert "10,164,220,013" in out and "table states gdp_expenditure" in out


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_results_are_written_on_request(template, tmp_path, capsys, suffix):
    out = tmp_path / f"m{suffix}"
    assert main(["multipliers", "--table", template, "--type", "II", "--out", str(out)]) == 0
    assert f"written: {out}" in capsys.readouterr().out
    if suffix == ".csv":
        frame = pd.read_csv(out, dtype={"code": str}, encoding="utf-8-sig")
    elif suffix == ".json":
        frame = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    else:
        frame = pd.read_excel(out, dtype={"code": str})
    assert list(frame["code"]) == ["M", "A", "S"]
    assert {"output", "output_II", "income_multiplier", "employment_effect", "name_zh"} <= set(frame.columns)


def test_linkages_extract_impact_and_regionalize_run_on_a_user_table(template, tmp_path, capsys):
    assert main(["linkages", "--table", template, "--lang", "en"]) == 0
    assert "key sectors:" in capsys.readouterr().out
    out = tmp_path / "links.csv"
    assert main(["linkages", "--table", template, "--forward", "leontief", "--out", str(out)]) == 0
    assert "forward: Leontief L 1 (感应度系数)" in capsys.readouterr().out
    written = pd.read_csv(out, index_col=0)
    t = read_user_table(template)
    np.testing.assert_allclose(written.loc[list(t.sectors), "forward"], t.L.sum(axis=1), rtol=1e-6)
    assert main(["extract", "M", "--table", template]) == 0
    assert "Hypothetical extraction" in capsys.readouterr().out
    assert main(["impact", "--table", template, "--demand", "M=10", "--type", "II"]) == 0
    out = capsys.readouterr().out
    assert "Impact (type II) of Δy = 10" in out and "jobs" in out
    regional = tmp_path / "district.csv"
    pd.DataFrame({"code": ["A", "M", "S"], "output": [5.0, 60.0, 20.0]}).to_csv(regional, index=False)
    assert main(["regionalize", "--table", template, "--domestic", "--regional", str(regional)]) == 0
    assert "Regional table by FLQ, δ = 0.3" in capsys.readouterr().out


def test_template_command_writes_the_example(tmp_path, capsys):
    assert main(["template", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").is_file() and (tmp_path / "t_sectors.csv").is_file()


def test_errors_are_reported_with_exit_code_2(tmp_path, capsys):
    assert main(["info", "--table", str(tmp_path / "missing.xlsx")]) == 2
    assert "lianzhao io info:" in capsys.readouterr().err
