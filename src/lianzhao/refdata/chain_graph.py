"""The 2021 chain knowledge graph (产业链知识图谱, liuhuanyong/ChainKnowledgeGraph): A-share companies'
main products with their revenue shares, and product → product relations.

Reads ``chain_knowledge_graph/`` from the reference data folder (see its PROVENANCE.md: no licence,
development and tests only; extracted automatically from 2021 annual reports and business scopes,
so noisy — an installation brings its own copy):

* ``derived/company_product.csv`` — ``company_code,product,rel,weight``: ``rel`` is 主营产品 and
  ``weight`` the product's share of revenue. Some weights are not shares (negative, above 1: the
  extraction mixed segment tables); :attr:`CompanyProduct.share` is the weight when it lies in
  (0, 1] and None otherwise, and the raw value stays in ``weight``.
* ``derived/product_product.csv`` — ``from_product,to_product,rel``: 上游材料 (``to`` is a material
  ``from`` is made of), 产品小类 (``to`` is a sub-type of ``from``), 下游产品 (``to`` is made from
  ``from``).
* ``original_liuhuanyong/company.json`` — one JSON object per line: ``name`` (short), ``fullname``,
  ``code`` (6 digits, some with the exchange suffix), ``location`` (exchange), ``time`` (listing date).
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

from lianzhao.paths import DataDirError, data_dir

FOLDER = "chain_knowledge_graph"
SOURCE = "产业链知识图谱（2021 年报抽取）"
YEAR = 2021
UPSTREAM, SUBTYPE, DOWNSTREAM = "上游材料", "产品小类", "下游产品"
RELATIONS = (UPSTREAM, SUBTYPE, DOWNSTREAM)


@dataclass(frozen=True)
class CompanyProduct:
    """One main product (主营产品) of a company, with its revenue share as extracted."""

    symbol: str  # 6-digit stock code
    product: str
    weight: float | None  # as in the file (may be no share at all)

    @property
    def share(self) -> float | None:
        """The revenue share when ``weight`` is one (0 < weight ≤ 1), else None."""
        w = self.weight
        return w if w is not None and math.isfinite(w) and 0 < w <= 1 else None


@dataclass(frozen=True)
class ProductLink:
    """``from_product`` —``rel``→ ``to_product`` (see the module docstring for the three relations)."""

    from_product: str
    to_product: str
    rel: str


def graph_dir() -> Path:
    folder = data_dir() / FOLDER
    if not folder.is_dir():
        raise DataDirError(f"chain knowledge graph not found: {folder} (check LIANZHAO_DATA_DIR)")
    return folder


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def read_company_products(folder: Path | None = None) -> list[CompanyProduct]:
    """Every (company, main product) row, in file order; duplicates of one company and product
    keep the first."""
    path = (folder or graph_dir()) / "derived" / "company_product.csv"
    seen, out = set(), []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            symbol = row["company_code"].strip().partition(".")[0]
            product = (row["product"] or "").strip()
            if not product or (symbol, product) in seen:
                continue
            seen.add((symbol, product))
            out.append(CompanyProduct(symbol, product, _float(row.get("weight", ""))))
    return out


def read_product_links(folder: Path | None = None) -> list[ProductLink]:
    """Every product relation of :data:`RELATIONS`, in file order, without duplicates or self-links."""
    path = (folder or graph_dir()) / "derived" / "product_product.csv"
    seen, out = set(), []
    relations = set(RELATIONS)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        i, j, k = header.index("from_product"), header.index("to_product"), header.index("rel")
        for row in reader:
            key = (row[i].strip(), row[j].strip(), row[k].strip())
            if key[2] not in relations or not key[0] or not key[1] or key[0] == key[1] or key in seen:
                continue
            seen.add(key)
            out.append(ProductLink(*key))
    return out


def read_full_names(folder: Path | None = None) -> dict[str, str]:
    """6-digit stock code → the company's full registered name as of 2021 (``company.json``)."""
    path = (folder or graph_dir()) / "original_liuhuanyong" / "company.json"
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            item = json.loads(line)
            code = str(item.get("code", "")).strip().partition(".")[0]
            full = str(item.get("fullname", "")).strip()
            if code and full:
                out[code.zfill(6)] = full
    return out


__all__ = ["DOWNSTREAM", "RELATIONS", "SOURCE", "SUBTYPE", "UPSTREAM", "YEAR", "CompanyProduct", "ProductLink",
           "read_company_products", "read_full_names", "read_product_links"]
