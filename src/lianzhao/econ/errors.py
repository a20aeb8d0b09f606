"""Errors raised by the input-output engine.

Every error names the check that failed and the sector(s) concerned, so an analyst can find the
offending cell in the source table. All derive from :class:`IOTableError` (a ``ValueError``), so
callers that only want "the table is unusable" can catch one class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def _names(labels: Iterable[object], limit: int = 8) -> str:
    """``'01', '02', … (+3 more)`` — a short, quoted list of labels for messages."""
    labels = list(labels)
    shown = ", ".join(repr(str(s)) for s in labels[:limit])
    more = len(labels) - limit
    return shown + (f", … (+{more} more)" if more > 0 else "")


class IOTableError(ValueError):
    """The table (or an argument given with it) cannot be used; the message says why.

    Attributes
    ----------
    check : str
        Short name of the check that failed (``"shape"``, ``"labels"``, ``"finite"``, …).
    sectors : list
        The sector labels concerned (may be empty when the problem is not per sector).
    """

    check = "table"

    def __init__(self, message: str, sectors: Sequence[object] = ()):
        self.sectors = list(sectors)
        super().__init__(f"[{self.check}] {message}")


class ShapeError(IOTableError):
    """A matrix or vector has the wrong shape (for example a non-square Z)."""

    check = "shape"


class SparseInputError(IOTableError):
    """A part of the table was given as a SciPy sparse matrix; the engine works on dense arrays."""

    check = "dense"


class LabelError(IOTableError):
    """Row or column labels do not match between the parts of a table, or are duplicated."""

    check = "labels"


class NonFiniteError(IOTableError):
    """A value is NaN or infinite."""

    check = "finite"


class NegativeValueError(IOTableError):
    """A quantity that must be non-negative (output, intermediate flows, jobs) is negative."""

    check = "non-negative"


class NonProductiveError(IOTableError):
    """The Leontief system is not productive: a column of A sums to 1 or more, or the
    household-closed system has no non-negative solution."""

    check = "productive"


class SingularError(IOTableError):
    """I − A (or I − B) is singular to working precision."""

    check = "singular"


class MissingDataError(IOTableError):
    """An analysis needs a part of the table that was not given (for example the
    compensation row for income multipliers)."""

    check = "missing"


class BalanceError(IOTableError):
    """The table does not balance: total output differs from the sum of its uses (rows)
    or of its inputs (columns) by more than the tolerance.

    Attributes
    ----------
    report : pandas.DataFrame
        The worst rows and columns with their absolute and relative residuals.
    """

    check = "balance"

    def __init__(self, message: str, sectors: Sequence[object] = (), report=None):
        self.report = report
        super().__init__(message, sectors)

