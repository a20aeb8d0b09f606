"""Loading the public reference data into the registry (`lianzhao refdata load`): the A-share listed
companies with their CSRC industry and province, their 2021 main products with revenue shares, and the
product → product relations — read from ``LIANZHAO_DATA_DIR``, never copied into the repository.

Idempotent: a second run changes nothing (the registry writer drops rows that change nothing). A
company the bureau edited keeps its own values where the reference data has none; where it has one,
the reference value is written again and the change is audited like any import.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change
from lianzhao.enterprises.choices import ImportKind, ProductRelation
from lianzhao.enterprises.models import ProductLink
from lianzhao.enterprises.registry import RegistryResult, RegistryRow, no_progress, write_registry
from lianzhao.refdata import chain_graph, listed

RELATIONS = {chain_graph.UPSTREAM: ProductRelation.UPSTREAM, chain_graph.SUBTYPE: ProductRelation.SUBTYPE,
             chain_graph.DOWNSTREAM: ProductRelation.DOWNSTREAM}
SOURCE = f"{listed.SOURCE_BASIC}；{listed.SOURCE_CSRC}"
LINK_SOURCE = chain_graph.SOURCE


def listed_rows() -> list[RegistryRow]:
    """One row per company listed today (status L), keyed by its stock code: full name (2021 graph)
    or the short name, CSRC industry, province, and main products with their revenue shares."""
    companies = listed.load_listed_companies()
    names = chain_graph.read_full_names()
    products: dict[str, list[tuple[str, Decimal | None]]] = {}
    for row in chain_graph.read_company_products():
        share = Decimal(str(row.share)).quantize(Decimal("0.0001")) if row.share is not None else None
        products.setdefault(row.symbol, []).append((row.product[:64], share))
    rows = []
    for number, (symbol, c) in enumerate(sorted(companies.items()), start=1):
        if not c.listed:
            continue
        rows.append(RegistryRow(
            number=number, name=names.get(symbol, c.name), short_name=c.name, stock_code=c.ts_code,
            csrc_code=c.csrc_code, region_code=c.region_code, is_local=False, source=SOURCE,
            products=products.get(symbol), product_source=chain_graph.SOURCE,
        ))
    return rows


def load_product_links() -> tuple[int, int]:
    """Make the stored product relations of the graph equal the file's (added, removed)."""
    wanted = {(link.from_product[:64], link.to_product[:64], RELATIONS[link.rel])
              for link in chain_graph.read_product_links()}
    stored = set(ProductLink.objects.filter(source=LINK_SOURCE).values_list("from_product", "to_product", "relation"))
    missing, extra = wanted - stored, stored - wanted
    with transaction.atomic():
        ProductLink.objects.bulk_create(
            [ProductLink(from_product=f, to_product=t, relation=r, source=LINK_SOURCE) for f, t, r in sorted(missing)],
            batch_size=2000)
        for f, t, r in extra:
            ProductLink.objects.filter(from_product=f, to_product=t, relation=r, source=LINK_SOURCE).delete()
    return len(missing), len(extra)


def load_reference_companies(*, acting_user=None, progress=no_progress) -> tuple[RegistryResult, tuple[int, int]]:
    """Write the listed companies as one import batch, then synchronise the product relations (one
    audit row saying how many were added and removed, when any were)."""
    rows = listed_rows()
    result = write_registry(iter(rows), kind=ImportKind.REFDATA, acting_user=acting_user, source=SOURCE,
                            file_name="listed_companies_a_share + chain_knowledge_graph", total=len(rows),
                            progress=progress)
    added, removed = load_product_links()
    if added or removed:
        record_change(actor=acting_user, action=AuditAction.UPDATE, obj=result.batch, before=None,
                      after={"product_links_added": added, "product_links_removed": removed},
                      reason=f"产品上下游关系：{LINK_SOURCE}")
    return result, (added, removed)
