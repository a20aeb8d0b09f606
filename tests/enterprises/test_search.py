"""The registry's full-text search (SQLite FTS5 / PostgreSQL tsvector over Chinese bigrams): names,
products and codes; the index follows edits and deletions; the list page goes through it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from lianzhao.enterprises import search
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct
from lianzhao.enterprises.services import save_enterprise

pytestmark = pytest.mark.django_db


def company(name, products=(), **fields):
    e = Enterprise.objects.create(name=name, **fields)
    for i, (product, share) in enumerate(products):
        EnterpriseProduct.objects.create(enterprise=e, name=product, share=share, source="测试来源", order=i)
    e.save()  # the search text covers the products
    return e


@pytest.fixture
def registry_rows(db):
    return {
        "specialist": company("甲隔膜股份有限公司", [("湿法隔膜", Decimal("0.62"))], stock_code="300001.SZ"),
        "city": company("乙膜业有限公司", [("隔膜", None)], gbt_code="3985"),
        "by_code": company("丙电子股份有限公司", stock_code="600001.SH", csrc_code="C39"),
        "drinks": company("戊饮料有限公司", [("饮料", Decimal("1"))]),
        "numbered": company("丁100号膜业有限公司"),
    }


def test_tokens_are_chinese_bigrams_and_whole_latin_runs():
    assert search.tokens("宁德时代 300750.SZ") == ["宁德", "德时", "时代", "300750", "sz"]
    assert search.tokens("膜") == ["膜"]
    assert not search.is_searchable("膜") and search.is_searchable("隔膜")
    assert search.query_tokens("丁100号") == (["100", "号"], True)
    assert search.fts5_phrase("丁100号") == '"100 号" *' and search.pg_tsquery("丁100号") == "100 <-> 号:*"


@pytest.mark.parametrize(("query", "expected"), [
    ("隔膜", {"甲隔膜股份有限公司", "乙膜业有限公司"}),
    ("丁100号", {"丁100号膜业有限公司"}),  # a single character at the end: a prefix of the next bigram
    ("100号膜业", {"丁100号膜业有限公司"}),
    ("湿法隔膜", {"甲隔膜股份有限公司"}),
    ("300001.SZ", {"甲隔膜股份有限公司"}),
    ("600001.sh", {"丙电子股份有限公司"}),
    ("丙电子", {"丙电子股份有限公司"}),
    ("膜隔", set()),  # the bigrams must follow each other: a phrase, not a bag of pieces
    ("饮", {"戊饮料有限公司"}),  # one character: a scan of the names
    ("不存在的词", set()),
])
def test_search_finds_names_products_and_codes(registry_rows, query, expected):
    assert set(Enterprise.objects.search(query).values_list("name", flat=True)) == expected


def test_search_follows_edits_of_names_and_products_and_deletions(registry_rows, personas):
    e = registry_rows["drinks"]
    save_enterprise(e, data={"name": "戊新能源有限公司", "products": [("储能电池", Decimal("0.5"))]},
                    acting_user=personas["admin"])
    assert list(Enterprise.objects.search("储能电池")) == [Enterprise.objects.get(pk=e.pk)]
    assert not Enterprise.objects.search("饮料").exists()
    assert [(p.name, p.share, p.source) for p in EnterpriseProduct.objects.filter(enterprise=e)] == [
        ("储能电池", Decimal("0.5000"), "手工维护")]
    company("己新能源有限公司").delete()
    assert Enterprise.objects.search("新能源").count() == 1


def test_the_list_page_searches_through_the_index(client, registry_rows, personas):
    client.force_login(personas["leader"])
    page = client.get(reverse("enterprise_list"), {"q": "湿法隔膜"}).content.decode()
    assert "甲隔膜股份有限公司" in page and "乙膜业有限公司" not in page
