"""Point sets: grids, lists and samples (scipy.stats.qmc), checked by their defining properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ranvier as rv
from ranvier.errors import RanvierError
from ranvier.sweep.store import chunk_hash


def test_grid_is_the_outer_product():
    p = rv.sweep.grid(a=[1.0, 2.0, 3.0], b=[10.0, 20.0])
    assert p.n == 6
    assert {(r["a"], r["b"]) for r in p.rows()} == {(a, b) for a in (1, 2, 3) for b in (10, 20)}


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 64), d=st.integers(1, 4), seed=st.integers(0, 2**31))
def test_latin_hypercube_has_one_point_per_stratum(n, d, seed):
    """A Latin hypercube of n points puts exactly one point in each of the n equal intervals of
    every parameter (McKay, Beckman & Conover 1979, Technometrics 21:239, doi:10.2307/1268522)."""
    bounds = {f"p{j}": (-1.0 - j, 3.0 + 2 * j) for j in range(d)}
    p = rv.sweep.sample(n, "lhs", seed=seed, **bounds)
    for k, (lo, hi) in bounds.items():
        x = p.values[k]
        assert np.all((x >= lo) & (x <= hi))
        strata = np.floor((x - lo) / (hi - lo) * n).astype(int)
        assert sorted(strata.tolist()) == list(range(n)), f"{k}: strata {sorted(strata.tolist())}"


def test_sobol_fills_the_box_more_evenly_than_random():
    """Scrambled Sobol points have lower centred discrepancy than pseudo-random ones (the reason
    to use them; Owen 1998, doi:10.1006/jcom.1997.0473)."""
    from scipy.stats import qmc

    s = rv.sweep.sample(256, "sobol", seed=1, a=(0, 1), b=(0, 1))
    r = rv.sweep.sample(256, "random", seed=1, a=(0, 1), b=(0, 1))
    ds = qmc.discrepancy(np.column_stack([s.values["a"], s.values["b"]]))
    dr = qmc.discrepancy(np.column_stack([r.values["a"], r.values["b"]]))
    assert ds < dr / 3, f"Sobol discrepancy {ds:.3g} vs random {dr:.3g}"


def test_parse_axis_and_lists():
    name, v = rv.sweep.parse_axis("fiber_diam_um=1:20:40")
    assert name == "fiber_diam_um" and v.size == 40 and v[0] == 1 and v[-1] == 20
    assert rv.sweep.parse_axis("x=1,2.5")[1].tolist() == [1.0, 2.5]
    with pytest.raises(RanvierError, match="x"):
        rv.sweep.parse_axis("x=1:2")
    p = rv.sweep.points([{"a": 1, "b": 2}, {"a": 3, "b": 4}])
    assert p.n == 2 and p.point(1) == {"a": 3.0, "b": 4.0}
    with pytest.raises(RanvierError, match="point 1"):
        rv.sweep.points([{"a": 1}, {"b": 2}])
    with pytest.raises(RanvierError, match="lo < hi"):
        rv.sweep.sample(4, "lhs", a=(2, 1))


def test_chunk_hash_depends_on_every_bit_of_the_points():
    rows = [{"a": 0.1, "b": 2.0}]
    h = chunk_hash("t", rows)
    assert h == chunk_hash("t", [{"b": 2.0, "a": 0.1}])  # order of names does not matter
    assert h != chunk_hash("t", [{"a": np.nextafter(0.1, 1.0), "b": 2.0}])
    assert h != chunk_hash("u", rows)
