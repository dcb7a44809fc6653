"""Resting state and steady-state gates: kernels vs twins.

Reference: ``reference.find_rest`` solves "net current out of every node is zero with
gates at steady state" (``reference.rest_residual``) with a

Newton iteration on the dense Jacobian with a centred-difference membrane slope
(the kernel uses a Hines solve and a one-sided slope). Tolerance: both stop when
their update is below 1e-9 mV (kernel) / 1e-12 mV (twin); near a root Newton's error
is far below its last step, so the two agree to 1e-7 mV with a wide margin.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ranvier as rv
from ranvier.assemble import assemble
from ranvier.numerics import reference as ref
from ranvier.numerics.rates import steady_gates
from ranvier.numerics.stepper import find_rest

from ranvier.numerics.tables import no_tables
from kernel_models import DT_MS, kernel_integrate, random_active_cell, random_setup

SEEDS = st.integers(0, 2**32 - 1)


@settings(max_examples=20, deadline=None)
@given(SEEDS)
def test_steady_gates_kernel_equals_twin(seed):
    m, v, _, _ = random_setup(seed, n_cells=2)
    state = np.full(m.gate_node.shape[0], np.nan)
    steady_gates(v, m.gate_node, m.gate_type, m.type_kind, m.type_form, m.type_par, state)
    np.testing.assert_allclose(state, ref.steady_gates(v, m), rtol=1e-12, atol=1e-300)
    assert np.all((state >= 0) & (state <= 1))


@settings(max_examples=12, deadline=None)
@given(SEEDS)
def test_find_rest_is_a_root_of_the_twin_residual(seed):
    rng = np.random.default_rng(seed)
    cells = (random_active_cell(rng, paired=True), random_active_cell(rng, paired=True))
    m, _, _ = assemble(cells, (), ())
    n = m.parent.shape[0]
    v = np.full(n, -65.0)
    state = np.zeros(m.gate_node.shape[0])
    code, iters, change = find_rest(m, v, state, 1e-9, 200, no_tables(state.shape[0]))
    assert code == 0 and change < 1e-9
    np.testing.assert_allclose(state, ref.steady_gates(v, m), rtol=1e-12, atol=1e-300)
    # the twin's root from a start 0.5 mV away lands on the same state
    v_ref, s_ref = ref.find_rest(m, v + rng.uniform(-0.5, 0.5, n))
    np.testing.assert_allclose(v, v_ref, rtol=0, atol=1e-7)
    # and the kernel's state has (next to) no net current at any node, relative to the
    # size of the currents that balance there
    res = ref.rest_residual(m, v)
    i_abs = np.zeros(n)
    for c in range(m.chan_node.shape[0]):
        i_abs[m.chan_node[c]] += abs(ref.channel_current_nA(m, c, v[m.chan_node[c]], state))
    i_abs += np.bincount(np.maximum(m.parent, 0), weights=np.where(m.parent >= 0, m.g_axial_uS, 0.0), minlength=n) * 1e-9
    assert np.all(np.abs(res) <= 1e-6 * (i_abs + np.max(i_abs)))


def test_rest_of_a_leak_only_tree_is_the_leak_reversal():
    # closed form: with one leak everywhere the only root is v = E_leak at every node
    cell = rv.Cell(rv.Morphology([rv.Section("soma", 15.0, 15.0, nseg=1), rv.Section("d", 300.0, 1.0, parent="soma", nseg=7)]),
                   mechanisms=[rv.leak(1e-4, -71.3)])
    m, _, _ = assemble((cell,), (), ())
    v = np.full(m.parent.shape[0], -65.0)
    code, _, _ = find_rest(m, v, np.zeros(0), 1e-9, 200, no_tables(0))
    assert code == 0
    np.testing.assert_allclose(v, -71.3, rtol=0, atol=1e-9)


def test_resting_state_far_from_minus_65_is_found_when_newton_cycles():
    # Na+ channels on the soma and proximal dendrite, K+ channels only distally: the cell
    # has a stable steady state with the soma near -5 mV (depolarisation block).
    # Backward Euler from -65 mV settles there within 1000 ms (net current 1e-13 nA),
    # so a resting state exists and attracts. Newton alone (find_rest) cycles here; Simulation
    # then relaxes by time stepping and polishes with Newton, and must land on the same state.
    S = rv.Section
    morph = rv.Morphology([
        S("soma", 22.5, 23.0, Ra_ohm_cm=57.5, cm_uF_cm2=0.73, nseg=2),
        S("s0", 286.0, 2.3, parent="soma", parent_x=1.0, Ra_ohm_cm=99.4, cm_uF_cm2=1.33, nseg=5),
        S("s1", 40.0, 3.9, parent="s0", parent_x=0.785, Ra_ohm_cm=128.0, cm_uF_cm2=0.84, nseg=4),
        S("s2", 62.0, 1.6, parent="s0", parent_x=0.61, Ra_ohm_cm=140.0, cm_uF_cm2=0.88, nseg=1)])
    cell = rv.Cell(morph, mechanisms=[rv.leak(3.5e-5, -60.3), (rv.hh_na, ("soma", "s0")), (rv.hh_k, ("s1", "s2"))],
                   temperature_degC=27.0)
    m, _, _ = assemble((cell,), (), ())
    v_start = np.full(m.parent.shape[0], -65.0)
    _, _, v_settled, _, _, _ = kernel_integrate(m, v_start, ref.steady_gates(v_start, m), 0.0, DT_MS, 40000, False, 40000)
    assert np.max(np.abs(ref.rest_residual(m, v_settled))) < 1e-9
    sites = [rv.Site(name, x) for name in ("soma", "s0", "s1", "s2") for x in (0.25, 0.75)]
    res = rv.Simulation(cell, probes=[rv.Probe(s, ("v",)) for s in sites], tstop_ms=1.0, dt_ms=0.025).run()
    _, layout, _ = assemble((cell,), (), ())
    expected = [v_settled[layout.voltage_node(s)] for s in sites]
    np.testing.assert_allclose(res.v_rest_mV.values, expected, atol=1e-6)
    assert float(res.v_rest_mV.sel(site="soma(0.25)")) > -20.0  # the depolarised state, not a spurious one
