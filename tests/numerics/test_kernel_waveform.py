"""Waveform evaluation from breakpoints: kernel vs twin vs the Waveform description.

References: ``reference.wave_value`` (searchsorted + np.interp on the bracketing
interval) and ``ranvier.stimulus.Waveform.__call__``. Step values must match exactly
(both pick a stored breakpoint value); linear values are one interpolation and agree
to 1e-12 of the waveform's size.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ranvier.numerics import reference as ref
from ranvier.numerics.waveform import wave_value
from ranvier.stimulus import Waveform

GRID = [0.0, 0.1, 0.25, 0.5, 1.0, 1.0 + 1e-12, 2.0, 3.7]  # a shared grid makes duplicate times likely


@st.composite
def waveform_sets(draw):
    """Several waveforms packed one after another into shared breakpoint arrays."""
    waves = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 8))
        t = sorted(draw(st.lists(st.sampled_from(GRID), min_size=n, max_size=n)))
        y = draw(st.lists(st.floats(-100.0, 100.0, allow_nan=False), min_size=n, max_size=n))
        waves.append((t, y, draw(st.sampled_from([0, 1]))))
    return waves


def _pack(waves):
    wt = np.concatenate([np.asarray(t, float) for t, _, _ in waves])
    wy = np.concatenate([np.asarray(y, float) for _, y, _ in waves])
    starts = np.cumsum([0] + [len(t) for t, _, _ in waves])[:-1]
    return wt, wy, starts


def _query_times(t):
    tt = np.asarray(t, float)
    extra = [-1.0, tt[0] - 1e-9, tt[-1] + 1e-9, tt[-1] + 5.0, 1e6]
    mids = list((tt[:-1] + tt[1:]) / 2) + list(tt[:-1] + 0.3 * np.diff(tt))
    return [float(x) for x in [*tt, *extra, *mids, *np.nextafter(tt, -np.inf), *np.nextafter(tt, np.inf)]]


@settings(max_examples=300, deadline=None)
@given(waveform_sets())
def test_wave_value_kernel_equals_twin_and_waveform(waves):
    wt, wy, starts = _pack(waves)
    for (t, y, interp), s in zip(waves, starts):
        w = Waveform(tuple(t), tuple(y), "step" if interp == 0 else "linear")
        dup = set(np.asarray(t)[:-1][np.diff(t) == 0])
        for q in _query_times(t):
            k = wave_value(q, wt, wy, int(s), len(t), interp)
            r = ref.wave_value(q, wt, wy, int(s), len(t), interp)
            if interp == 0:
                assert k == r
            else:
                assert k == pytest.approx(r, rel=1e-12, abs=1e-12 * 100)
            d = float(w(q))
            # the description agrees, including at jumps (two breakpoints at one time: the later value holds)
            assert k == pytest.approx(d, rel=1e-12, abs=1e-10), (q, q in dup)


def test_wave_value_examples():
    # step: the value of the last breakpoint at or before t, end values outside the range
    wt = np.array([1.0, 2.0, 2.0, 3.0, 0.0, 1.0, 1.0, 2.0])
    wy = np.array([10.0, 20.0, 30.0, 40.0, 0.0, 5.0, 7.0, 9.0])
    cases_step = {0.0: 10.0, 1.0: 10.0, 1.5: 10.0, 2.0: 30.0, 2.5: 30.0, 3.0: 40.0, 9.0: 40.0}
    for t, y in cases_step.items():
        assert wave_value(t, wt, wy, 0, 4, 0) == y == ref.wave_value(t, wt, wy, 0, 4, 0)
    # linear, second waveform packed at offset 4: a jump from 5 to 7 at t = 1
    cases_lin = {-1.0: 0.0, 0.5: 2.5, np.nextafter(1.0, 0.0): 5.0, 1.0: 7.0, 1.5: 8.0, 2.0: 9.0, 7.0: 9.0}
    for t, y in cases_lin.items():
        assert wave_value(t, wt, wy, 4, 4, 1) == pytest.approx(y, rel=1e-12)
        assert ref.wave_value(t, wt, wy, 4, 4, 1) == pytest.approx(y, rel=1e-12)
    # a single breakpoint is a constant
    for t in (-1.0, 0.0, 5.0):
        assert wave_value(t, np.array([2.0]), np.array([3.5]), 0, 1, 1) == 3.5
