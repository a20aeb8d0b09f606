"""Where lianzhao finds the shared reference data and keeps its own files.

Framework-free on purpose: `lianzhao.refdata` reads the data folder through this module, and the
Django settings use it too, so there is exactly one rule for each location.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout root when installed from source (src layout: <root>/src/lianzhao).
SOURCE_ROOT = PACKAGE_DIR.parent.parent

DATA_DIR_SETTING = "LIANZHAO_DATA_DIR"


class DataDirError(RuntimeError):
    """The reference-data folder is missing or unreadable."""


def default_data_dir() -> Path:
    """The `shared/data` folder beside the checkout (…/<checkout>/../shared/data)."""
    return SOURCE_ROOT.parent / "shared" / "data"


def data_dir(*, must_exist: bool = True) -> Path:
    """The reference-data folder: ``$LIANZHAO_DATA_DIR`` or the default beside the checkout.

    Raises
    ------
    DataDirError
        When the folder does not exist; the message names the setting so an operator knows
        what to change.
    """
    raw = os.environ.get(DATA_DIR_SETTING, "").strip()
    path = Path(raw).expanduser() if raw else default_data_dir()
    if must_exist and not path.is_dir():
        how = f"{DATA_DIR_SETTING}={raw}" if raw else f"{DATA_DIR_SETTING} is not set; default"
        raise DataDirError(
            f"Reference data folder not found: {path} ({how}). "
            f"Install the public reference data and point {DATA_DIR_SETTING} at it "
            f"(see README, 'Reference data'). / 未找到参考数据目录，请设置 {DATA_DIR_SETTING}。"
        )
    return path


def var_dir() -> Path:
    """Folder for lianzhao's own files (SQLite database, uploads): ``$LIANZHAO_VAR_DIR`` or ./var."""
    raw = os.environ.get("LIANZHAO_VAR_DIR", "").strip()
    path = Path(raw).expanduser() if raw else SOURCE_ROOT / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path
