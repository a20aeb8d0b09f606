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
    """Folder for lianzhao's own files (SQLite database, uploads, backups): ``$LIANZHAO_VAR_DIR``
    or ./var. Created readable by its owner only: it holds password hashes and sessions."""
    raw = os.environ.get("LIANZHAO_VAR_DIR", "").strip()
    path = Path(raw).expanduser() if raw else SOURCE_ROOT / "var"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def owner_only_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist (an empty file is a valid SQLite
    database, and SQLite gives its -wal and -shm files the database file's mode), and take group
    and other permissions away from one that does, when we own it. Returns ``path``."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        info = path.stat()
        if os.name == "posix" and info.st_mode & 0o077 and info.st_uid == os.geteuid():
            path.chmod(info.st_mode & 0o700)
    else:
        os.close(fd)
    return path
