"""East Money concept-board membership (东方财富概念板块) of A-share stocks — the held-out label of
the target-recommendation evaluation (bench/targets_eval.py).

Reads ``eastmoney_concept_boards/eastmoney_board_members_*.csv`` (``板块名称,板块代码,代码,名称``)
from the reference data folder (see its PROVENANCE.md: scraped, development only).

Nothing that scores companies may read this module: the evaluation would then measure the score
against its own input. An import-linter contract in pyproject.toml forbids every lianzhao package
but this one from importing it; only the benchmark script does.

Market-state boards (融资融券, 昨日涨停, index members, results previews …) say nothing about what a
company makes; :func:`is_market_state` tells them apart from theme boards.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from lianzhao.paths import DataDirError, data_dir

FOLDER = "eastmoney_concept_boards"
SOURCE = "东方财富概念板块成分（2026-03-15）"
#: Boards about trading, indices, ownership or results, not about products (exact names).
MARKET_STATE_BOARDS = frozenset({
    "融资融券", "深股通", "沪股通", "富时罗素", "标准普尔", "MSCI中国", "机构重仓", "QFII重仓", "基金重仓",
    "社保重仓", "证金持股", "养老金", "小盘股", "微盘股", "微盘精选", "深成500", "中证500", "上证380", "HS300_",
    "上证180_", "上证50_", "央视50_", "深证100R", "创业成份", "创业板综", "转债标的", "破净股", "长期破净",
    "红利破净股", "百元股", "低价股", "次新股", "注册制次新股", "ST股", "AH股", "AB股", "B股", "GDR", "价值股",
    "红利股", "微利股", "周期股", "茅指数", "宁组合", "东方财富热股", "举牌", "股权激励", "股权转让",
    "并购重组概念", "参股银行", "参股券商", "参股保险", "参股期货", "参股新三板", "科创板做市股", "科创板做市商",
    "北交所概念", "专精特新", "央国企改革", "沪企改革", "中字头", "中特估", "IPO受益", "贬值受益", "创投",
})
_MARKET_STATE_PATTERN = re.compile(r"^(昨日|最近)|预增|预减|扭亏")


def is_market_state(board: str) -> bool:
    """True for boards about trading, indices, ownership or results rather than products."""
    return board in MARKET_STATE_BOARDS or bool(_MARKET_STATE_PATTERN.search(board))


def read_board_members(folder: Path | None = None) -> dict[str, frozenset[str]]:
    """Theme board name → the 6-digit stock codes of its members (market-state boards left out)."""
    folder = folder or data_dir() / FOLDER
    found = sorted(folder.glob("eastmoney_board_members_*.csv")) if folder.is_dir() else []
    if not found:
        raise DataDirError(f"concept-board file not found in {folder} (check LIANZHAO_DATA_DIR)")
    members: dict[str, set[str]] = {}
    with found[-1].open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            board = row["板块名称"].strip()
            if board and not is_market_state(board):
                members.setdefault(board, set()).add(row["代码"].strip().zfill(6))
    return {board: frozenset(codes) for board, codes in members.items()}


__all__ = ["MARKET_STATE_BOARDS", "SOURCE", "is_market_state", "read_board_members"]
