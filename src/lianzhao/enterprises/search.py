"""Full-text search of the registry: names, codes and main products, Chinese included.

Chinese has no spaces, and the engines' tokenizers cannot cut it into words. So each company keeps a
``search_text`` column written by Python (:func:`search_tokens`): every run of Chinese characters as
its overlapping two-character pieces (bigrams: 宁德时代 → 宁德 德时 时代), every run of letters and
digits as one lower-case token (a USCC, a stock code, a GB/T code). A query becomes the same bigrams
as a phrase, so "时代新能源" finds names containing exactly that text, and "隔膜" finds the
companies with 隔膜 in their name or products.

* SQLite: an FTS5 table over ``search_text`` (external content, kept by triggers; migration 0002);
  ``MATCH '"时代 代新 新能 能源"'``.
* PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``; ``@@ to_tsquery('时代 <-> 代新 …')``.

A one-character query has no bigram: it falls back to a LIKE scan of names (slow on a large
registry, and said so in docs/targets.md).
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache

_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
#: The FTS5 table of the SQLite database (created by migration 0003).
FTS_TABLE = "enterprises_enterprise_fts"
#: Its trigger that indexes each inserted company (a bulk import indexes them set-based instead).
FTS_INSERT_TRIGGER = "enterprises_enterprise_fts_ai"
#: The PostgreSQL expression the GIN index is built on (queries must use it verbatim).
PG_VECTOR = "to_tsvector('simple'::regconfig, search_text)"


def tokens(text: str) -> list[str]:
    """The search tokens of ``text`` in order: bigrams of Chinese runs (a single character alone),
    letter-and-digit runs whole, lower-case."""
    out: list[str] = []
    for run in _RUNS.findall((text or "").lower()):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(map(operator.add, run, run[1:]))
    return out


@lru_cache(maxsize=262_144)
def _joined(text: str) -> str:
    # Product names and codes repeat across a registry; names do not, and pass through the cache once.
    return " ".join(tokens(text))


def search_tokens(*texts: str) -> str:
    """The ``search_text`` of a company: the tokens of each text, space-separated."""
    return " ".join(joined for joined in map(_joined, filter(None, texts)) if joined)


def _plain(text: str) -> str:
    if text.isascii() and text.isalnum():  # a USCC, a number: one token
        return text.lower()
    return " ".join(tokens(text))


def company_tokens(name: str, short_name: str, uscc: str, stock_code: str, gbt_code: str, csrc_code: str,
                   products) -> str:
    """``search_tokens(name, short_name, uscc, stock_code, gbt_code, csrc_code, *products)`` for an
    import of a million rows: the name and codes each company has alone pass by the cache (they would
    only push the product names out of it)."""
    own = [_plain(text) for text in (name, short_name, uscc) if text]
    return " ".join(filter(None, (*own, *map(_joined, filter(None, (stock_code, gbt_code, csrc_code, *products))))))


def query_tokens(text: str) -> tuple[list[str], bool]:
    """The tokens a query must find in one phrase, and whether the last one is a prefix.

    A one-character Chinese run inside a longer query ("企业6666有") is not a token of the index,
    whose Chinese tokens are bigrams ("有限"): at the end of the query it becomes a prefix of the
    next token (有*), elsewhere it is dropped (the phrase then asks for a little less than the text)."""
    found = tokens(text)
    if len(found) < 2:
        return found, False
    out = [t for i, t in enumerate(found) if t.isascii() or len(t) > 1 or i == len(found) - 1]
    last = out[-1]
    return out, not last.isascii() and len(last) == 1


def is_searchable(text: str) -> bool:
    """False for queries the index cannot answer (one Chinese character, nothing at all)."""
    found = tokens(text)
    return bool(found) and not (len(found) == 1 and len(found[0]) == 1 and not found[0].isascii())


def fts5_phrase(text: str) -> str:
    """An FTS5 MATCH expression: the query's tokens as one phrase (quoted; tokens have no quotes),
    its last token a prefix where :func:`query_tokens` says so."""
    found, prefix = query_tokens(text)
    return '"' + " ".join(found) + '"' + (" *" if prefix else "")


def pg_tsquery(text: str) -> str:
    """The text for ``to_tsquery('simple', …)``: the tokens in sequence (``<->``), the last one a
    prefix (``:*``) where :func:`query_tokens` says so. Tokens are letters, digits or Chinese
    characters only, so none is an operator."""
    found, prefix = query_tokens(text)
    return " <-> ".join(found) + (":*" if prefix else "")
