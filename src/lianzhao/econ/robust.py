"""Robust gap classes: every node's class under a band of reasonable assumptions — δ across a
range, the location-quotient formula, the node-share rule — and a stability label, 稳健 when
the class is the same in every scenario of the band, 敏感 otherwise (with the assumptions that
flip it and the class they flip it to).

    band = Band()                                     # δ 0.1–0.4, FLQ and AFLQ, both share rules
    scenarios = band.scenarios(base)                  # base first
    regionals = {sc.regional_key: regionalize(t, x, sc.method, sc.delta or 0.3, **setup) ...}
    classes = band_classes(regionals, {"classes": nodes_a, "even": nodes_b}, scenarios, thresholds)
    stability(classes, scenarios)                     # one row per node

The data of the district (its output, non-tradables, overrides, analyst-set node shares) are
the same in every scenario: the band varies the method's assumptions only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lianzhao.econ.chain_inputs import ChainNodeInput
from lianzhao.econ.gaps import (
    KLASS_LABELS,
    KLASSES,
    GapThresholds,
    adjacency,
    classify,
    national_links,
    sector_demand,
    share_matrix,
    thresholds_for,
)
from lianzhao.econ.node_shares import SHARE_RULE_LABELS, SHARE_RULES
from lianzhao.econ.plants import typical_plant_output
from lianzhao.econ.regional import Regionalization

METHOD_LABELS = {"flq": "FLQ", "aflq": "AFLQ", "cilq": "CILQ", "slq": "SLQ"}
STABILITY_LABELS = {"robust": "稳健", "sensitive": "敏感"}


@dataclass(frozen=True, order=True)
class Scenario:
    """One set of method assumptions: quotient formula, δ (None for SLQ/CILQ), node-share rule."""

    method: str
    delta: float | None
    share_rule: str

    @property
    def regional_key(self) -> tuple[str, float | None]:
        return (self.method, self.delta)

    def label(self) -> str:
        """``"FLQ δ=0.3，按小类份额"``."""
        m = METHOD_LABELS.get(self.method, self.method)
        if self.delta is not None:
            m += f" δ={self.delta:g}"
        return f"{m}，{SHARE_RULE_LABELS.get(self.share_rule, self.share_rule)}"

    def differences(self, base: Scenario) -> list[str]:
        """What differs from ``base``, in words: ``["δ=0.1", "AFLQ", "按部门均分"]``."""
        out = []
        if self.method != base.method:
            out.append(METHOD_LABELS.get(self.method, self.method)
                       + (f"（δ={self.delta:g}）" if self.delta is not None and self.delta != base.delta else ""))
        elif self.delta != base.delta and self.delta is not None:
            out.append(f"δ={self.delta:g}")
        if self.share_rule != base.share_rule:
            out.append(SHARE_RULE_LABELS.get(self.share_rule, self.share_rule))
        return out


@dataclass(frozen=True)
class Band:
    """The assumptions a verdict must survive to be 稳健.

    deltas : δ for FLQ and AFLQ (Flegg & Tohmo and others find values of 0.1–0.4 for regions
    of most sizes; docs/gaps.md); methods : the quotient formulas (FLQ and AFLQ — SLQ and CILQ
    are known to overstate local supply and are not "reasonable" alternatives); share_rules :
    the node-share rules (:mod:`lianzhao.econ.node_shares`).
    """

    deltas: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4)
    methods: tuple[str, ...] = ("flq", "aflq")
    share_rules: tuple[str, ...] = SHARE_RULES

    def scenarios(self, base: Scenario) -> list[Scenario]:
        """The base scenario first, then every combination of the band (the base's own method,
        δ and rule are always included)."""
        methods = list(dict.fromkeys([base.method, *self.methods]))
        deltas = sorted(set(self.deltas) | ({base.delta} if base.delta is not None else set()))
        rules = list(dict.fromkeys([base.share_rule, *self.share_rules]))
        out = [base]
        for m in methods:
            for d in (deltas if m in ("flq", "aflq") else [None]):
                for rule in rules:
                    sc = Scenario(m, d, rule)
                    if sc != base:
                        out.append(sc)
        return out


def band_classes(regionals: Mapping[tuple, Regionalization], node_sets: Mapping[str, Sequence[ChainNodeInput]],
                 scenarios: Sequence[Scenario], thresholds: GapThresholds = GapThresholds(), *,
                 plant_output: np.ndarray | None = None) -> pd.DataFrame:
    """The class of every node (rows, node keys) in every scenario (columns, in order).

    ``regionals``: ``(method, delta)`` → Regionalization, one per quotient assumption;
    ``node_sets``: share rule → the chain's nodes with that rule's shares (same keys, order,
    sectors and neighbours). Links and thresholds do not depend on the scenario and are computed
    once; each scenario costs two matrix–vector products and the vectorised rules.
    """
    first = next(iter(node_sets.values()))
    keys = [n.key for n in first]
    any_regional = next(iter(regionals.values()))
    sectors = any_regional.table.sectors
    W, _ = share_matrix(first, sectors)
    S_by_rule = {rule: share_matrix(nodes, sectors)[1] for rule, nodes in node_sets.items()}
    link, _ = national_links(any_regional, W)
    N = adjacency(first)
    E = np.array([n.local_enterprises for n in first], dtype=int)
    leaders = np.array([n.chain_leaders for n in first], dtype=int)
    plant = typical_plant_output(sectors) if plant_output is None else np.asarray(plant_output, dtype=float)
    _, T = thresholds_for(W, plant, thresholds)
    demand = {key: sector_demand(r) for key, r in regionals.items()}
    columns = {}
    for sc in scenarios:
        sd = demand[sc.regional_key]
        S = S_by_rule[sc.share_rule]
        klass, _ = classify(S @ sd.d, S @ sd.l, E, leaders, T, link, N, thresholds)
        columns[sc] = [KLASSES[k] for k in klass]
    return pd.DataFrame(columns, index=pd.Index(keys, name="key"))


def stability(classes: pd.DataFrame, scenarios: Sequence[Scenario]) -> pd.DataFrame:
    """One row per node: ``klass`` (the base scenario's, the first column), ``stability``
    (``robust`` / ``sensitive``), ``stability_label`` (稳健 / 敏感), ``flips`` (text: which
    assumptions flip the class, and to what — single changes of assumption first, else the
    first combination), ``agreement`` (share of the band's scenarios giving the base class) and
    ``band`` (class → number of scenarios)."""
    base = scenarios[0]
    what = [sc.differences(base) for sc in scenarios]
    values = classes[list(scenarios)].to_numpy()
    rows = []
    for key, row in zip(classes.index, values):
        base_klass = row[0]
        differing = [k for k in range(1, len(scenarios)) if row[k] != base_klass]
        single = [k for k in differing if len(what[k]) == 1]
        by_klass: dict[str, list[str]] = {}
        for k in single or differing[:1]:
            by_klass.setdefault(row[k], [])
            text = "、".join(what[k])
            if text not in by_klass[row[k]]:
                by_klass[row[k]].append(text)
        flips = "；".join(f"{'、'.join(texts)} 时为{KLASS_LABELS[klass]}" for klass, texts in by_klass.items())
        if differing and not single:
            flips = f"组合假设（{flips}）"
        counts: dict[str, int] = {}
        for klass in row:
            counts[klass] = counts.get(klass, 0) + 1
        state = "sensitive" if differing else "robust"
        rows.append({"key": key, "klass": base_klass, "stability": state, "stability_label": STABILITY_LABELS[state],
                     "flips": flips, "agreement": counts[base_klass] / len(row),
                     "band": {k: counts[k] for k in KLASSES if k in counts}})
    return pd.DataFrame(rows, columns=["key", "klass", "stability", "stability_label", "flips", "agreement",
                                       "band"]).set_index("key")


def robust_share(stable: pd.DataFrame) -> float:
    """The share of 稳健 verdicts (NaN for no nodes)."""
    return float((stable["stability"] == "robust").mean()) if len(stable) else float("nan")


__all__ = ["STABILITY_LABELS", "Band", "Scenario", "band_classes", "robust_share", "stability"]
