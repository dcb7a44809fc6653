"""Properties: the NMODL rate matcher recovers any rate form it is shown; cutting a polyline conserves it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("lark")

from ranvier.interop.nmodl import V_GRID_MV, _match_form  # noqa: E402
from ranvier.mechanisms.forms import Exp, Linoid, Sigmoid  # noqa: E402
from ranvier.morphology.swc import _cut  # noqa: E402

rates = st.floats(1e-3, 10.0)
midpoints = st.floats(-90.0, 30.0)
scales = st.one_of(st.floats(3.0, 40.0), st.floats(-40.0, -3.0))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from([Exp, Sigmoid, Linoid]), r=rates, m=midpoints, s=scales)
def test_matcher_recovers_a_form_from_its_samples(kind, r, m, s):
    """A rate that is exactly a form is recognised as a form equal to it on the grid (1e-9 relative)."""
    form = kind(r, m, s)
    f = form(V_GRID_MV)
    if not np.all(np.isfinite(f)) or f.max() > 1e12 or f.max() < 1e-12:
        return  # outside what a rate can be over -120..80 mV
    got = _match_form(f, V_GRID_MV)
    assert got is not None, f"{form!r} not recognised"
    g = got(V_GRID_MV)
    assert np.all(np.abs(g - f) <= 1e-9 * np.abs(f) + 1e-12 * f.max()), (form, got)


@settings(max_examples=60, deadline=None)
@given(n_pts=st.integers(2, 30), n=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_cutting_conserves_length_and_lateral_area(n_pts, n, seed):
    """Pieces of equal path length whose cylinders keep the truncated cones' lateral area, in total."""
    rng = np.random.default_rng(seed)
    pts = np.cumsum(rng.uniform(-5, 5, (n_pts, 3)), axis=0)
    rad = rng.uniform(0.1, 3.0, n_pts)
    h = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    if h.sum() == 0:
        return
    area = float(np.sum(math.pi * (rad[:-1] + rad[1:]) * np.sqrt(h**2 + np.diff(rad) ** 2)))
    pieces = _cut(pts, rad, n)
    assert len(pieces) == n
    assert math.isclose(sum(L for L, _ in pieces), h.sum(), rel_tol=1e-12)
    assert math.isclose(sum(math.pi * L * d for L, d in pieces), area, rel_tol=1e-9)
    assert all(d > 0 for _, d in pieces)
