"""The region the analyses work for: the district (:func:`lianzhao.core.region.district`)."""

from __future__ import annotations

from lianzhao.analysis.engine import AnalysisUnavailable
from lianzhao.core.models import Region
from lianzhao.core.region import DistrictUnknown, district


def current_region() -> Region:
    """The district; :class:`AnalysisUnavailable` (shown as the "analysis unavailable" page) when it
    cannot be told."""
    try:
        return district()
    except DistrictUnknown as exc:
        raise AnalysisUnavailable(str(exc)) from None
