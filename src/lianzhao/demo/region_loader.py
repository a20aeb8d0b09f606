"""Loads the demo's illustrative regional base (pack_region.py) and default analysis settings."""

from __future__ import annotations

from decimal import Decimal

from lianzhao.analysis.choices import Measure, SectorLevel
from lianzhao.analysis.importing import ParsedBase, ParsedRow, import_base
from lianzhao.analysis.models import AnalysisSettings, RegionalBase
from lianzhao.demo import pack_region
from lianzhao.econ.concordance import sector_names
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
    if RegionalBase.objects.filter(region=region, is_active=True).exists():
        return
    import_base(region=region, name=pack_region.NAME, parsed=ParsedBase(rows=demo_base_rows()),
                measure=Measure.OUTPUT, acting_user=None,
                note="示例：全部数值为演示用假设，请以本区统计数据导入替换。")
    report.count("区域基础数据", True)
