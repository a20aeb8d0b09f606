"""Illustrative (示例) defaults of the project impact card: how a project's investment is spent
by IO sector during construction, and the project's sector from its chain node's GB/T codes.

The construction profiles are **illustrative assumptions**, not statistics: a typical split of
fixed investment into buildings and installation, equipment and professional services, written
for the NBS 2020 153-sector classification (aggregated to 42 sectors with our concordance). A
bureau overrides them per project with the shares it knows (``ImpactAssumptions.construction_shares``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: Investment spent per IO sector (153-sector codes, shares summing to 1), by project profile. 示例.
DEFAULT_CONSTRUCTION_SHARES: dict[str, dict[str, float]] = {
    # a factory: buildings 50 %, production equipment 40 %, design/engineering and services 10 %
    "manufacturing": {"104": 0.35, "107": 0.10, "108": 0.05, "073": 0.15, "078": 0.15, "085": 0.05,
                      "096": 0.05, "137": 0.06, "135": 0.04},
    # power plants (offshore wind and PV included): civil works, prime movers/modules, grid equipment
    "energy": {"106": 0.30, "107": 0.10, "067": 0.25, "084": 0.05, "085": 0.15, "086": 0.05,
               "137": 0.07, "135": 0.03},
    # electronics and IT: buildings, computers and communication equipment, software
    "ict": {"104": 0.30, "107": 0.10, "108": 0.05, "090": 0.20, "091": 0.15, "078": 0.05, "128": 0.05,
            "137": 0.06, "135": 0.04},
    # trade and logistics: warehouses and yards, handling equipment
    "logistics": {"104": 0.45, "106": 0.10, "107": 0.05, "069": 0.20, "071": 0.05, "090": 0.05,
                  "137": 0.06, "135": 0.04},
    # other services: buildings and fit-out
    "services": {"104": 0.55, "107": 0.10, "108": 0.15, "090": 0.05, "073": 0.05, "137": 0.06, "135": 0.04},
}
PROFILE_LABELS = {"manufacturing": "制造业", "energy": "能源", "ict": "电子信息", "logistics": "商贸物流",
                  "services": "服务业"}


def _profile_153(code: str) -> str:
    k = int(code)
    if k in (100, 101):
        return "energy"
    if 90 <= k <= 95 or 125 <= k <= 129:
        return "ict"
    if 109 <= k <= 122:
        return "logistics"
    if k >= 123:
        return "services"
    return "manufacturing"


def _io153_to_42() -> pd.Series:
    from lianzhao.econ.concordance import IO42_FILE

    frame = pd.read_csv(IO42_FILE, dtype=str)
    return frame.set_index("io153_code")["io42_code"]


def construction_profile(project_sector: str | None, sectors: int = 153) -> str:
    """The profile of :data:`DEFAULT_CONSTRUCTION_SHARES` for a project sector (153 or 42
    codes); ``"manufacturing"`` when the sector is unknown (None). For a 42-sector code, the
    profile most of its 153 sectors have."""
    if project_sector is None:
        return "manufacturing"
    if sectors == 153:
        return _profile_153(project_sector)
    if sectors == 42:
        to42 = _io153_to_42()
        members = [c for c, g in to42.items() if g == project_sector]
        if not members:
            raise ValueError(f"unknown 42-sector code {project_sector!r}")
        return pd.Series([_profile_153(c) for c in members]).mode().iat[0]
    raise ValueError(f"no default construction shares for {sectors}-sector tables (have 153, 42); "
                     "give construction_shares explicitly")


def default_construction_shares(project_sector: str | None = None, sectors: int = 153) -> dict[str, float]:
    """示例 construction shares ``{IO sector: share}`` (sum 1) for a project in ``project_sector``,
    on the 153- or 42-sector classification (42: the 153 profile aggregated)."""
    profile = DEFAULT_CONSTRUCTION_SHARES[construction_profile(project_sector, sectors)]
    if sectors == 153:
        return dict(profile)
    to42 = _io153_to_42()
    out: dict[str, float] = {}
    for code, share in profile.items():
        out[to42[code]] = out.get(to42[code], 0.0) + share
    return dict(sorted(out.items()))


def project_sector_for_codes(gbt_codes: Iterable[str], level: int = 153, year: int = 2020) -> str:
    """The IO sector of a project from its chain node's GB/T codes: the sector with the
    largest weight in :func:`~lianzhao.econ.concordance.sectors_for_codes` (ties: lowest code)."""
    from lianzhao.econ.concordance import sectors_for_codes

    weights = sectors_for_codes(gbt_codes, level, year)
    return min(weights, key=lambda s: (-weights[s], s))


__all__ = ["DEFAULT_CONSTRUCTION_SHARES", "PROFILE_LABELS", "construction_profile", "default_construction_shares",
           "project_sector_for_codes"]
