"""Whole time steps and the time loop: ``stepper.advance`` / ``stepper.integrate`` vs the twins.

Models come from ``ranvier.assemble.assemble`` on random Cells (1-5 sections, random
nseg and joins, hh_na / hh_k / leak and a GHK Ca2+ channel on random sections, a
current clamp switching inside the run, a voltage clamp with a ramp and a jump,
batches of two cells), started from random voltages and gate states.

Reference: ``reference.advance`` / ``reference.integrate``, which solve each cell's
current balance as a dense system with ``np.linalg.solve``. Tolerance: each step is
one linear solve whose condition number grows with the clamp conductance (up to
1000 uS against compartments of ~1e-3 uS), and 50 steps of HH dynamics can amplify
differences a little; we measured ~1e-12 relative and ask for 1e-10 relative to
each recorded variable's size.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ranvier.numerics import reference as ref

from kernel_models import DT_MS, kernel_advance, kernel_integrate, random_setup

SEEDS = st.integers(0, 2**32 - 1)


def assert_close(a, b, rtol=1e-10):
    """Columns (variables) compared relative to their own largest size; NaNs must match."""
    a, b = np.atleast_2d(np.asarray(a, float)), np.atleast_2d(np.asarray(b, float))
    assert a.shape == b.shape
    assert np.array_equal(np.isnan(a), np.isnan(b))
    scale = np.maximum(np.nanmax(np.abs(b), axis=0, initial=0.0), 1e-12)
    err = np.nan_to_num(np.abs(a - b))
    assert np.all(err <= rtol * scale), f"max relative error {np.max(err / scale):.3g}"


@settings(max_examples=15, deadline=None)
@given(SEEDS, st.integers(1, 2), st.floats(0.0, 1.0))
def test_advance_be_cn_and_damped_cn_equal_twin(seed, n_cells, t):
    m, v0, s0, _ = random_setup(seed, n_cells=n_cells)
    cases = [(False, None), (True, None), (True, [1] * n_cells)]
    if n_cells == 2:
        cases += [(True, [1, 0]), (True, [0, 1])]
    for cn, damp in cases:
        vk, sk = kernel_advance(m, v0, s0, t, DT_MS, cn, damp)
        vr, sr = ref.advance(m, v0, s0, t, DT_MS, cn, damp)
        assert_close(vk[:, None], vr[:, None])  # one scale for all node voltages
        np.testing.assert_allclose(sk, sr, rtol=0, atol=1e-12)


def test_the_three_methods_differ():
    # guards against a twin or kernel that silently ignores cn or damp
    m, v0, s0, _ = random_setup(3, n_cells=2)
    be = kernel_advance(m, v0, s0, 0.0, DT_MS, False)[0]
    cn = kernel_advance(m, v0, s0, 0.0, DT_MS, True)[0]
    d0 = kernel_advance(m, v0, s0, 0.0, DT_MS, True, [1, 0])[0]
    cells = m.node_cell
    assert np.max(np.abs(be - cn)) > 1e-6
    assert np.max(np.abs(d0 - cn)[cells == 0]) > 1e-6
    np.testing.assert_array_equal(d0[cells == 1], cn[cells == 1])  # damping one cell leaves the other alone


@settings(max_examples=12, deadline=None)
@given(SEEDS, st.integers(1, 2), st.booleans(), st.sampled_from([1, 3, 7, 50]))
def test_integrate_equals_twin_with_recordings(seed, n_cells, cn, rec_every):
    m, v0, s0, _ = random_setup(seed, n_cells=n_cells)
    n_steps = 50
    code, at, vk, sk, out_k, dk = kernel_integrate(m, v0, s0, 0.0, DT_MS, n_steps, cn, rec_every)
    code_r, at_r, vr, sr, out_r, dr = ref.integrate(m, v0, s0, 0.0, DT_MS, n_steps, cn, rec_every)
    assert (code, at) == (code_r, at_r) == (0, n_steps)
    assert out_k.shape == out_r.shape == (n_steps // rec_every + 1, m.rec_kind.shape[0])
    # voltages share one scale (a node may pass near 0 mV); other variables each their own
    volt = m.rec_kind == 0
    if volt.any():
        assert_close(out_k[:, volt].reshape(-1, 1), out_r[:, volt].reshape(-1, 1))
    assert_close(out_k[:, ~volt], out_r[:, ~volt])
    assert_close(vk[:, None], vr[:, None])
    np.testing.assert_allclose(sk, sr, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(dk, dr)
    # the first row is the initial state
    np.testing.assert_allclose(out_k[0], ref.record(m, v0, s0, 0.0), rtol=1e-13, atol=1e-300)


def test_integrate_in_two_calls_equals_one_call():
    # Simulation may run the loop in chunks; the per-cell damping count carries over
    m, v0, s0, _ = random_setup(11, n_cells=2)
    for cn in (False, True):
        whole = kernel_integrate(m, v0, s0, 0.0, DT_MS, 50, cn, 1)
        a = kernel_integrate(m, v0, s0, 0.0, DT_MS, 23, cn, 1)
        b = kernel_integrate(m, a[2], a[3], 23 * DT_MS, DT_MS, 27, cn, 1, damp=a[5])
        np.testing.assert_allclose(np.vstack([a[4], b[4][1:]]), whole[4], rtol=1e-12, atol=1e-12)
        # and the twin agrees on the chunked run, damping carried the same way
        ra = ref.integrate(m, v0, s0, 0.0, DT_MS, 23, cn, 1)
        np.testing.assert_array_equal(ra[5], a[5])


def test_jump_on_a_step_boundary_damps_that_step_and_the_next():
    # With a current step at exactly t = 10 dt, Crank-Nicolson must take steps 10 and 11
    # as backward-Euler half steps: the run equals the twin, and differs from a run
    # of the twin that is told to damp nothing.
    import ranvier as rv
    from ranvier.assemble import assemble

    cell = rv.Cell(rv.Morphology([rv.Section("soma", 20.0, 20.0, nseg=1),
                                  rv.Section("d", 200.0, 1.0, parent="soma", nseg=5)]),
                   mechanisms=[rv.leak(1e-4, -65.0)])
    stim = rv.CurrentClamp(rv.Site("soma"), rv.Waveform((0.0, 10 * DT_MS), (0.0, 0.2)))
    m, _, _ = assemble((cell,), (stim,), (("v", rv.Site("soma")), ("v", rv.Site("d", 1.0))))
    v0 = np.full(m.parent.shape[0], -65.0)
    k = kernel_integrate(m, v0, np.zeros(0), 0.0, DT_MS, 20, True, 1)
    r = ref.integrate(m, v0, np.zeros(0), 0.0, DT_MS, 20, True, 1)
    assert_close(k[4], r[4], rtol=1e-12)
    # replay by hand with the twin's advance: damp exactly steps 10 and 11
    v, s = v0.copy(), np.zeros(0)
    for step in range(20):
        v, s = ref.advance(m, v, s, step * DT_MS, DT_MS, True, [step in (10, 11)])
    assert_close(k[2][:, None], v[:, None], rtol=1e-12)
    v_nodamp = v0.copy()
    for step in range(20):
        v_nodamp, _ = ref.advance(m, v_nodamp, s, step * DT_MS, DT_MS, True, [False])
    assert np.max(np.abs(v_nodamp - k[2])) > 1e-6


def test_non_finite_voltage_is_reported_with_the_step():
    m, v0, s0, _ = random_setup(5)
    node = int(m.rec_index[np.flatnonzero(m.rec_kind == 0)[0]])  # a recorded node
    v_bad = v0.copy()
    v_bad[node] = np.nan
    k = kernel_integrate(m, v_bad, s0, 0.0, DT_MS, 10, True, 1)
    r = ref.integrate(m, v_bad, s0, 0.0, DT_MS, 10, True, 1)
    assert (k[0], k[1]) == (r[0], r[1]) == (1, 0)
