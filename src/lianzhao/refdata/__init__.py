"""Framework-free readers of public reference data (never imports Django or any web app).

Every reader takes its files from the folder named by ``LIANZHAO_DATA_DIR`` (see
:mod:`lianzhao.paths`), defaulting to the ``shared/data`` folder beside the checkout.
"""

from lianzhao.paths import DataDirError, data_dir

__all__ = ["DataDirError", "data_dir"]
