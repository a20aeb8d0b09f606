"""Results agree with pymrio (a test dependency only) to 1e-9 relative on the same tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ.synthetic import random_table

pymrio = pytest.importorskip("pymrio")
RTOL = 1e-9


def to_pymrio(t):
    """The same table as a one-region pymrio IOSystem with value added and jobs as extension."""
    idx = pd.MultiIndex.from_product([["CN"], list(map(str, t.sectors))], names=["region", "sector"])
    cols = pd.MultiIndex.from_product([["CN"], list(map(str, t.Y.columns))], names=["region", "category"])
    F = np.vstack([t.va.to_numpy().sum(axis=0)] + ([t.employment.to_numpy()] if t.employment is not None else []))
    names = ["value_added"] + (["employment"] if t.employment is not None else [])
    io = pymrio.IOSystem(Z=pd.DataFrame(t.Z.to_numpy(), index=idx, columns=idx),
                         Y=pd.DataFrame(t.Y.to_numpy(), index=idx, columns=cols))
    io.factor_inputs = pymrio.Extension(name="factor_inputs", F=pd.DataFrame(F, index=pd.Index(names, name="stressor"), columns=idx))
    io.calc_all()
    return io


def assert_agrees(t, io):
    np.testing.assert_allclose(t.x, io.x.to_numpy().ravel(), rtol=RTOL)
    np.testing.assert_allclose(t.A, io.A.to_numpy(), rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(t.L, io.L.to_numpy(), rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(t.output_multipliers(), io.L.to_numpy().sum(axis=0), rtol=RTOL)
    M = io.factor_inputs.M
    np.testing.assert_allclose(t.multipliers("value_added")["effect"], M.loc["value_added"].to_numpy(), rtol=RTOL)
    if t.employment is not None:
        np.testing.assert_allclose(t.multipliers("employment")["effect"], M.loc["employment"].to_numpy(), rtol=RTOL)


@pytest.mark.parametrize("n,seed", [(3, 1), (12, 2), (60, 3), (150, 4)])
def test_it_agrees_with_pymrio_on_random_tables(n, seed):
    t = random_table(n, seed)
    assert_agrees(t, to_pymrio(t))


def test_it_agrees_with_pymrio_on_the_nbs_2020_153_sector_table(nbs_data):
    from lianzhao.refdata.nbs import read_nbs

    t = read_nbs(2020, 153, employment=True)
    assert_agrees(t, to_pymrio(t))
