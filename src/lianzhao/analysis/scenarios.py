"""Other assumptions on the same district: the robustness band behind every 稳健/敏感 label, and an
analyst's what-if scenario (thresholds, δ, method, node-share rule tried without saving).

Both derive from a cached :class:`~lianzhao.analysis.engine.RegionalContext` and are kept with it
(:meth:`RegionalContext.memoized`), keyed by every assumption they add, so a settings change — a new
context — leaves them behind and a repeated request costs nothing.
"""

from __future__ import annotations

import dataclasses

from lianzhao.analysis.engine import RegionalContext
from lianzhao.core.memo import BoundedCache
from lianzhao.econ import regionalize
from lianzhao.econ.gaps import GapThresholds
from lianzhao.econ.robust import Band, Scenario

#: The band every verdict must survive to be 稳健 (econ.robust.Band: FLQ and AFLQ, δ 0.1–0.4, both
#: node-share rules; docs/gaps.md).
BAND = Band()


def base_scenario(context: RegionalContext) -> Scenario:
    flegg = context.method in ("flq", "aflq")
    return Scenario(context.method, context.delta if flegg else None, context.share_rule)


def scenarios(context: RegionalContext) -> list[Scenario]:
    """The base scenario (the context's own assumptions) first, then the band."""
    return BAND.scenarios(base_scenario(context))


def _regionalize(context: RegionalContext, method: str, delta: float | None):
    r = context.regional
    measure = r.table.meta.get("regionalized", {}).get("measure", "output")
    vector = r.table.employment if measure == "employment" else r.table.x
    return regionalize(context.national, vector, method, delta if delta is not None else context.delta,
                       measure=measure, sector_delta=r.sector_delta, non_tradables=r.non_tradables,
                       overrides=r.overrides)


def band_regionals(context: RegionalContext) -> dict:
    """``(method, δ)`` → Regionalization for every scenario of the band (the context's own reused)."""
    def compute():
        base = base_scenario(context)
        out = {base.regional_key: context.regional}
        for sc in scenarios(context):
            if sc.regional_key not in out:
                out[sc.regional_key] = _regionalize(context, sc.method, sc.delta)
        return out

    return context.memoized(("band_regionals",), compute)


#: What an analyst may try in a what-if scenario (names of the form's fields).
WHAT_IF_FIELDS = ("method", "delta", "node_share_rule", "min_demand", "plant_share", "strengthen_leakage",
                  "extend_linkage", "import_substitution_share")


def what_if(context: RegionalContext, values: dict) -> RegionalContext:
    """The context under an analyst's trial values (a cleaned :class:`~lianzhao.analysis.forms.WhatIfForm`;
    amounts in 亿元 as on the page). Nothing is saved; the result is kept with the base context."""
    method = values["method"]
    delta = float(values["delta"])
    t = context.thresholds
    thresholds = GapThresholds(
        min_demand=float(values["min_demand"]) * 1e4, plant_share=float(values["plant_share"]),
        strengthen_leakage=float(values["strengthen_leakage"]), extend_linkage=float(values["extend_linkage"]),
        strong_neighbour_share=t.strong_neighbour_share, chain_leader_is_strong=t.chain_leader_is_strong,
        import_substitution_share=float(values["import_substitution_share"]))
    key = ("what_if", method, delta, values["node_share_rule"], tuple(sorted(thresholds.as_dict().items())))

    def compute():
        same = method == context.method and delta == context.delta
        regional = context.regional if same else _regionalize(context, method, delta)
        return dataclasses.replace(
            context, method=method, delta=delta, thresholds=thresholds, share_rule=values["node_share_rule"],
            regional=regional, what_if=True, fingerprint=f"{context.fingerprint}/what-if/{hash(key) & 0xffffffff:x}",
            _memo=BoundedCache(256))

    return context.memoized(key, compute, size=64)
