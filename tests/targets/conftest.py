"""A small hand-made registry for the target tests: one chain with a well-defined node (隔膜), a node
with keywords only and one with neither; a local chain leader making 汽车 (whose material 冷轧板
is in the product graph) and 动力电池 (whose material 湿法隔膜 is); external companies that match by product, by code, by both, or not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lianzhao.core.models import Region
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct, ProductLink
from lianzhao.industries.models import ChainNode, Industry


def company(name, products=(), **fields):
    e = Enterprise.objects.create(name=name, **fields)
    for i, (product, share) in enumerate(products):
        EnterpriseProduct.objects.create(enterprise=e, name=product, share=share, source="测试来源", order=i)
    e.save()  # search text over the products
    return e


@pytest.fixture
def world(personas, departments):
    province = Region.objects.create(code="37", name="山东省")
    city = Region.objects.create(code="3702", name="青岛市", parent=province)
    Region.objects.create(code="370215", name="即墨区", parent=city)
    nev = Industry.objects.create(name="新能源汽车", slug="nev", kind="leading", source="测试")
    separator = ChainNode.objects.create(industry=nev, key="t-separator", name="隔膜", position="upstream",
                                         gbt_codes=["3985"], keywords=["湿法隔膜", "涂覆隔膜"])
    keywords_only = ChainNode.objects.create(industry=nev, key="t-cathode", name="正极材料", position="upstream",
                                             keywords=["磷酸铁锂"])
    bare = ChainNode.objects.create(industry=nev, key="t-bare", name="其他配套", position="midstream")
    leader = company("示例·本地整车厂", [("汽车", None), ("动力电池", None)], region_code="370215", is_local=True,
                     is_chain_leader=True, is_sample=True)
    ProductLink.objects.create(from_product="汽车", to_product="冷轧板", relation="upstream", source="测试图谱")
    ProductLink.objects.create(from_product="动力电池", to_product="湿法隔膜", relation="upstream", source="测试图谱")
    specialist = company("甲隔膜股份有限公司", [("湿法隔膜", Decimal("0.62")), ("冷轧板", Decimal("0.2"))],
                         stock_code="300001.SZ", csrc_code="C29", region_code="32", source="测试名录")
    local_city = company("乙膜业有限公司", [("隔膜", None)], gbt_code="3985", region_code="370281", scale="medium",
                         registered_capital=Decimal("5000"), source="测试名录")
    by_code = company("丙电子股份有限公司", stock_code="600001.SH", csrc_code="C39", region_code="44", source="测试名录")
    local_rival = company("丁本地隔膜有限公司", [("隔膜", Decimal("1"))], region_code="370215", is_local=True)
    unrelated = company("戊饮料有限公司", [("饮料", Decimal("1"))], region_code="37", stock_code="600002.SH")
    return {"nev": nev, "separator": separator, "keywords_only": keywords_only, "bare": bare, "leader": leader,
            "specialist": specialist, "local_city": local_city, "by_code": by_code, "local_rival": local_rival,
            "unrelated": unrelated, "personas": personas, "departments": departments}
