"""Loads the demo's illustrative regional base (pack_region.py), default analysis settings and the
analysis pack (pack_analysis.py: one 示例 hybrid-table override and the node shares a demo analyst
set). Idempotent: a row the bureau has changed is never overwritten; rows the pack creates are
audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lianzhao.analysis.choices import Measure, OverrideKind, SectorLevel
from lianzhao.analysis.importing import ParsedBase, ParsedRow, import_base
from lianzhao.analysis.models import AnalysisSettings, CoefficientOverride, NodeShare, RegionalBase
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.demo import pack_analysis, pack_region
from lianzhao.econ.concordance import sector_names
from lianzhao.industries.models import ChainNode
from lianzhao.refdata.nbs import read_nbs


def demo_base_rows() -> list[ParsedRow]:
    """The listed assumptions plus every other 153 sector at national output × REST_SHARE."""
    names = sector_names(153, 2020)
    listed = {code for code, *_ in pack_region.ROWS}
    rows = [
        ParsedRow(line=i, level=SectorLevel.IO153, code=code, name=name, value=Decimal(value),
                  as_of_year=pack_region.AS_OF_YEAR, source=pack_region.SOURCE, is_sample=True,
                  note=note, sector=code)
        for i, (code, name, value, note) in enumerate(pack_region.ROWS, start=1)
    ]
    national = read_nbs(2020, 153).x
    for code, output in national.items():
        if code in listed:
            continue
        value = (Decimal(str(float(output))) * Decimal(str(pack_region.REST_SHARE))).quantize(Decimal("1"))
        rows.append(ParsedRow(line=len(rows) + 1, level=SectorLevel.IO153, code=code, name=names.get(code, ""),
                              value=value, as_of_year=pack_region.AS_OF_YEAR, source=pack_region.SOURCE,
                              is_sample=True, note=pack_region.REST_NOTE, sector=code))
    return rows


def load_region_base(region, report) -> None:
    """Create the default analysis settings and, if the region has no active base, the demo base."""
    AnalysisSettings.objects.get_or_create(region=region)
    load_analysis_pack(region, report)
    if RegionalBase.objects.filter(region=region, is_active=True).exists():
        return
    import_base(region=region, name=pack_region.NAME, parsed=ParsedBase(rows=demo_base_rows()),
                measure=Measure.OUTPUT, acting_user=None,
                note="示例：全部数值为演示用假设，请以本区统计数据导入替换。")
    report.count("区域基础数据", True)


REASON = "示例数据加载"


def load_analysis_pack(region, report) -> None:
    """The demo's NEV column override and node shares, created once (153-sector table); a row the
    bureau has since changed is left as it is."""
    c = pack_analysis.NEV_COLUMN
    if not CoefficientOverride.objects.filter(region=region, table_sectors=153, kind=OverrideKind.COLUMN,
                                              sector=c["sector"]).exists():
        o = CoefficientOverride.objects.create(
            region=region, table_sectors=153, kind=OverrideKind.COLUMN, sector=c["sector"],
            coefficients=c["coefficients"], rest=c["rest"], weight=Decimal(str(c["weight"])), label=c["label"],
            source=c["source"],
            as_of=dt.date.fromisoformat(pack_analysis.AS_OF), is_sample=True)
        record_change(actor=None, action=AuditAction.CREATE, obj=o, before=None, after=snapshot(o), reason=REASON)
        report.count("混合表覆盖", True)
    nodes = {n.key: n for n in ChainNode.objects.filter(key__in={k for k, *_ in pack_analysis.NODE_SHARES})}
    for key, sector, share, note in pack_analysis.NODE_SHARES:
        node = nodes.get(key)
        if node is None or NodeShare.objects.filter(node=node, table_sectors=153, sector=sector).exists():
            continue
        row = NodeShare.objects.create(node=node, table_sectors=153, sector=sector, share=Decimal(str(share)),
                                       source=note, is_sample=True)
        record_change(actor=None, action=AuditAction.CREATE, obj=row, before=None, after=snapshot(row), reason=REASON)
        report.count("节点份额", True)
