"""Typical annual output of one plant (one supplier worth attracting) per IO sector, 万元 a year.

The gap finder compares a node's local demand with it: a node whose local demand cannot keep
one supplier busy is no case for attracting one (docs/gaps.md, "Thresholds that bind").

Data: the NBS tables give output by sector but no number of enterprises, and the reference data
folder has no enterprise counts (no 规模以上工业企业单位数 by industry), so national output per
enterprise cannot be computed here. These are therefore **lianzhao's documented default
assumptions, not statistics**: orders of magnitude per group of the NBS 42 sectors, anchored
on the statistical definition of a 规模以上 industrial enterprise (annual main-business revenue
≥ 2,000 万元) — a plant worth a trip is several times that — and on the scale of the plants
the demo's chains attract (a vehicle assembly plant of 100,000 vehicles a year at about
10 万元 each; a battery plant of a few GWh). An analyst replaces them by scaling
(``GapThresholds.plant_share``) or by passing ``plant_output`` to :func:`find_gaps`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from lianzhao.econ.concordance import load_concordance

#: 万元 a year per NBS 42-sector code (assumptions, see the module docstring and docs/gaps.md).
PLANT_OUTPUT_42 = {
    "01": 2_000,      # 农林牧渔: a large farm or fishery
    "02": 50_000, "03": 50_000, "04": 50_000, "05": 20_000,  # mining
    "06": 30_000,     # 食品和烟草
    "07": 20_000,     # 纺织品
    "08": 10_000,     # 纺织服装鞋帽
    "09": 10_000,     # 木材加工和家具
    "10": 15_000,     # 造纸印刷和文教体育用品
    "11": 500_000,    # 石油、炼焦: a refinery
    "12": 50_000,     # 化学产品
    "13": 20_000,     # 非金属矿物制品
    "14": 200_000,    # 金属冶炼和压延
    "15": 15_000,     # 金属制品
    "16": 20_000, "17": 20_000,  # 通用设备、专用设备
    "18": 50_000,     # 交通运输设备 (vehicle assembly below)
    "19": 30_000,     # 电气机械和器材 (batteries below)
    "20": 50_000,     # 通信设备、计算机和其他电子设备
    "21": 10_000,     # 仪器仪表
    "22": 10_000, "23": 5_000,
    "24": 100_000,    # 电力、热力: a power plant or wind farm
    "25": 20_000, "26": 10_000,
    "27": 20_000,     # 建筑
    "28": 5_000,      # 批发和零售
    "29": 10_000,     # 交通运输、仓储和邮政
    "30": 2_000,      # 住宿和餐饮
    "31": 5_000,      # 信息传输、软件和信息技术服务
    "32": 20_000, "33": 20_000,
    "34": 3_000, "35": 3_000, "36": 3_000,
    "37": 5_000, "38": 1_000, "39": 3_000, "40": 5_000, "41": 2_000, "42": 5_000,
}
#: 153-sector codes whose plants are much larger than their 42-sector group's.
PLANT_OUTPUT_153 = {
    "079": 1_000_000,  # 汽车整车: 100,000 vehicles × 10 万元
    "087": 300_000,    # 电池: a cell plant of a few GWh
    "064": 100_000,    # 有色金属冶炼 (polysilicon) — same order as 14
}
PLANT_SOURCE = "lianzhao 默认假设（按 42 部门分组，非统计数据；规上工业企业门槛为年主营业务收入 2000 万元）"


@lru_cache(maxsize=1)
def _io153_to_42() -> dict[str, str]:
    table = load_concordance(42, 2020)
    return dict(zip(table["io153_code"], table["sector_code"], strict=True))


def typical_plant_output(sectors: Sequence[str]) -> np.ndarray | None:
    """万元 a year per sector (n,), or None when the sectors are neither NBS 42- nor 153-sector
    codes (then no plant threshold applies). A new array each call (the caller may change it)."""
    return None if (cached := _plant_output(tuple(str(s) for s in sectors))) is None else cached.copy()


@lru_cache(maxsize=8)
def _plant_output(codes: tuple[str, ...]) -> np.ndarray | None:
    if len(codes) == 42 and all(c in PLANT_OUTPUT_42 for c in codes):
        return np.array([float(PLANT_OUTPUT_42[c]) for c in codes])
    step = _io153_to_42()
    if len(codes) == 153 and all(c in step for c in codes):
        return np.array([float(PLANT_OUTPUT_153.get(c, PLANT_OUTPUT_42[step[c]])) for c in codes])
    return None


__all__ = ["PLANT_OUTPUT_153", "PLANT_OUTPUT_42", "PLANT_SOURCE", "typical_plant_output"]
