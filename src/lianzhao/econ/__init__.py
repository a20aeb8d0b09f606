"""Framework-free input-output engine (NumPy/SciPy/pandas; never imports Django).

    from lianzhao.econ import IOTable, regionalize, shift_share
    t = IOTable.from_flows(Z, Y, va=va, employment=jobs)
    t.output_multipliers(); t.multipliers("income", type="II"); t.linkages()
    t.extract_all(); t.impact({"20": 1e4}); t.aggregate(mapping)
    r = regionalize(t, district_output, method="flq", delta=0.3)

See docs/econ.md for the formulas, the data template and the ``lianzhao io`` command.
"""

from lianzhao.econ.arrays import TableArrays
from lianzhao.econ.errors import (
    BalanceError,
    IOTableError,
    LabelError,
    MissingDataError,
    NegativeValueError,
    NonFiniteError,
    NonProductiveError,
    ShapeError,
    SingularError,
    SparseInputError,
)
from lianzhao.econ.regional import Regionalization, regionalize
from lianzhao.econ.shiftshare import shift_share
from lianzhao.econ.table import BalanceWarning, IOTable

__all__ = [
    "BalanceError",
    "BalanceWarning",
    "IOTable",
    "IOTableError",
    "LabelError",
    "MissingDataError",
    "NegativeValueError",
    "NonFiniteError",
    "NonProductiveError",
    "Regionalization",
    "ShapeError",
    "SingularError",
    "SparseInputError",
    "TableArrays",
    "regionalize",
    "shift_share",
]
