"""Fixtures for the input-output engine: textbook tables with their published numbers, and
access to the real NBS/OECD files (tests that need them skip when the data folder is absent).
"""

from __future__ import annotations

import pandas as pd
import pytest

from lianzhao.paths import DataDirError, data_dir

# Miller, R. E. & Blair, P. D. (2009). Input-Output Analysis: Foundations and Extensions,
# 2nd ed., Cambridge University Press, ch. 2, Table 2.3 (two-sector hypothetical example)
# and §2.3 (its coefficients, Leontief inverse and the new final demand f = [600, 1500]).
MILLER_BLAIR_2_3 = {
    "Z": [[150.0, 500.0], [200.0, 100.0]],
    "f": [350.0, 1700.0],
    "x": [1000.0, 2000.0],
    "A": [[0.15, 0.25], [0.20, 0.05]],
    "L_3dp": [[1.254, 0.330], [0.264, 1.122]],
    "f_new": [600.0, 1500.0],
    "x_new_2dp": [1247.52, 1841.58],
}

# Eurostat (2008), Eurostat Manual of Supply, Use and Input-Output Tables, ch. 15
# "Input-output multipliers" (J. Beutel): Germany 1990, six product groups, table of domestic
# flows with imports and net taxes on products as separate rows (million DM), and the
# published results: input coefficients (Table 15.6), Leontief inverse (Table 15.10), output,
# GVA and employment multipliers, forward linkages. The figures are as transcribed in the
# rOpenGov `iotables` R package (data-raw/Beutel_15_4.csv and its tests/testthat files);
# we could not check them against the printed manual here. Manufacturing output is the
# P1 row value 1,079,446 (= its row sum; the transcribed output column says 1,079,400).
BEUTEL_SECTORS = ["agriculture", "manufacturing", "construction", "trade", "business_services", "other_services"]
BEUTEL = {
    "Z": [[1131, 25480, 1, 607, 710, 762],
          [7930, 304584, 64167, 41082, 11981, 30360],
          [426, 7334, 3875, 5296, 23457, 9155],
          [3559, 72717, 14190, 74399, 10835, 21008],
          [3637, 96115, 31027, 65755, 193176, 34223],
          [1552, 14986, 1747, 11225, 15058, 22070]],
    "Y": {"households": [8500, 197792, 3457, 269663, 214757, 119504],
          "government": [16, 8588, 742, 13492, 10061, 317251],
          "gross_capital_formation": [2975, 91692, 191715, 14155, 30124, 3483],
          "inventory_change": [-6, 7559, 0, 0, 0, 0],
          "exports": [3734, 313711, 149, 46045, 13612, 2042]},
    "imports": [2927, 156703, 13427, 21943, 13371, 13772],
    "taxes_on_products": [1084, 6505, 1548, 8349, 8473, 12551],
    "va": {"compensation": [9382, 296464, 78819, 214450, 124810, 272975],
           "other_net_taxes_on_production": [-2012, 1457, 963, 2748, 5946, -8602],
           "consumption_of_fixed_capital": [7871, 63769, 5860, 41100, 98610, 49260],
           "net_operating_surplus": [6423, 33332, 29982, 53109, 186060, 51384]},
    "x": [43910, 1079446, 245606, 540063, 692487, 508918],
    "employment": [1096, 8381, 3236, 9251, 4258, 10206],  # thousand persons
    "published": {
        "A_cells_4dp": {(0, 0): 0.0258, (1, 1): 0.2822, (2, 2): 0.0158},
        "L_diagonal_4dp": [1.0339, 1.4292, 1.0289],
        "output_multipliers_4dp": [1.7048, 1.8413, 1.8136, 1.6035, 1.5951, 1.3782],
        "gva_multipliers_4dp": [0.8450, 0.7647, 0.8615, 0.9019, 0.9393, 0.9199],
        "employment_multipliers_4dp": [0.0326, 0.0162, 0.0207, 0.0237, 0.0112, 0.0242],
        # manufacturing (1.6691 in the transcription) is left out: see docs/econ.md
        "forward_linkages_4dp": {0: 2.1126, 2: 1.3558, 3: 1.5848, 4: 2.1037, 5: 1.2106},
    },
}


@pytest.fixture
def miller_blair():
    return MILLER_BLAIR_2_3


@pytest.fixture
def beutel_frames():
    """The Beutel table as labelled DataFrames (the form IOTable.from_flows accepts)."""
    s = BEUTEL_SECTORS
    return {
        "Z": pd.DataFrame(BEUTEL["Z"], index=s, columns=s, dtype=float),
        "Y": pd.DataFrame(BEUTEL["Y"], index=s, dtype=float),
        "va": pd.DataFrame(BEUTEL["va"], index=s, dtype=float).T,
        "imports": pd.Series(BEUTEL["imports"], index=s, name="imports", dtype=float),
        "taxes": pd.Series(BEUTEL["taxes_on_products"], index=s, name="taxes_on_products", dtype=float),
        "x": pd.Series(BEUTEL["x"], index=s, dtype=float),
        "employment": pd.Series(BEUTEL["employment"], index=s, dtype=float),
    }


@pytest.fixture
def beutel():
    return BEUTEL


def _data_folder(sub: str):
    try:
        path = data_dir() / sub
    except DataDirError as exc:
        pytest.skip(f"reference data folder not available: {exc}")
    if not path.is_dir():
        pytest.skip(f"reference data not installed: {path} is missing")
    return path


@pytest.fixture
def nbs_data():
    """Skip unless the NBS tables are installed in the reference data folder."""
    return _data_folder("nbs_io_tables/csv")


@pytest.fixture
def oecd_data():
    """Skip unless the OECD China tables are installed in the reference data folder."""
    return _data_folder("oecd_iot_china/csv")

