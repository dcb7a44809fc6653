"""Membrane currents: accumulation per node, the GHK current and its linearisation.

References: ``reference.accumulate_membrane`` / ``reference.ghk_unit_density`` (written
from the formulas) and, for GHK, ``ranvier.ions.ghk_current_density_mA_cm2``, a third
implementation with different numerics (it factors the exponentials by the sign of
the voltage). Tolerances: the same products and exponentials are evaluated in a
different order, so agreement is to a few ulp; 1e-12 relative to the size of the
terms that are summed (the current itself can cancel to zero at reversal).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ranvier.constants import FARADAY_C_PER_MOL, thermal_voltage_mV
from ranvier.ions import ghk_current_density_mA_cm2
from ranvier.numerics import membrane
from ranvier.numerics import reference as ref
from ranvier.numerics.membrane import GHK_DV_MV, accumulate_membrane, ghk_unit_density

from kernel_models import random_setup

SEEDS = st.integers(0, 2**32 - 1)


def test_kernel_faraday_constant_is_the_si_value():
    assert membrane.FARADAY == pytest.approx(FARADAY_C_PER_MOL, rel=1e-15)
    assert GHK_DV_MV == ref.GHK_SLOPE_STEP_MV


@settings(max_examples=25, deadline=None)
@given(SEEDS)
def test_accumulate_membrane_kernel_equals_twin(seed):
    m, v, state, _ = random_setup(seed, n_cells=2)
    g = np.empty(v.shape[0])
    e = np.empty(v.shape[0])
    g[:] = np.nan  # the kernel must overwrite, not add to, its outputs
    e[:] = np.nan
    accumulate_membrane(v, m, state, g, e)
    g_ref, e_ref = ref.accumulate_membrane(v, m, state)
    # The GHK slope is a difference quotient over 1e-3 mV: a relative round-off of ~1e-15
    # in the two currents (kernel and twin order the GHK arithmetic differently) becomes
    # ~1e-15 |i| / 1e-3 mV in the slope, and that times |v| in e. Allow 10x that.
    ghk_abs = np.zeros(v.shape[0])
    for c in np.flatnonzero(m.chan_law == membrane.LAW_GHK):
        ghk_abs[m.chan_node[c]] += abs(ref.channel_current_nA(m, c, v[m.chan_node[c]], state))
    slack = 1e-14 * ghk_abs / GHK_DV_MV
    assert np.all(np.abs(g - g_ref) <= 1e-12 * np.abs(g_ref) + slack + 1e-300)
    assert np.all(np.abs(e - e_ref) <= 1e-12 * np.abs(e_ref) + slack * np.abs(v) + 1e-300)
    # the linearisation passes through the present current: g v - e = I(v)
    i_now = ref.membrane_current_nA(m, v, state)
    scale = np.max(np.abs(g * v)) + np.max(np.abs(e))
    np.testing.assert_allclose(g * v - e, i_now, rtol=0, atol=1e-12 * scale)


def test_random_setups_exercise_the_ghk_law():
    assert any((random_setup(s)[0].chan_law == membrane.LAW_GHK).any() for s in range(5))


GHK_CASES = st.tuples(
    st.one_of(st.floats(-150.0, 100.0), st.floats(-1e-6, 1e-6), st.just(0.0)),
    st.sampled_from([1, 2, -1]),
    st.floats(1e-4, 500.0),
    st.floats(1e-4, 500.0),
    st.floats(0.0, 40.0),
)


@settings(max_examples=300, deadline=None)
@given(GHK_CASES)
def test_ghk_kernel_twin_and_ions_agree(case):
    v, z, cin, cout, temp = case
    vt = thermal_voltage_mV(temp)
    k = ghk_unit_density(float(v), float(z), float(cin), float(cout), float(vt))
    r = ref.ghk_unit_density(v, z, cin, cout, vt)
    i = float(ghk_current_density_mA_cm2(v, z, 1.0, cin, cout, temp))
    # size of the two fluxes whose difference is the current (they cancel at reversal)
    xi = z * v / vt
    flux = 1e-3 * abs(z) * FARADAY_C_PER_MOL * (cin + cout * math.exp(-xi)) * max(1.0, abs(xi)) * max(1.0, math.exp(xi) if xi < 0 else 1.0)
    assert k == pytest.approx(r, rel=1e-12, abs=1e-12 * flux)
    assert k == pytest.approx(i, rel=1e-12, abs=1e-12 * flux)


@pytest.mark.parametrize("z", [1, 2, -1])
def test_ghk_is_zero_at_the_nernst_potential_and_continuous_at_zero(z):
    vt = thermal_voltage_mV(37.0)
    cin, cout = 0.3, 7.0
    e = vt / z * math.log(cout / cin)
    scale = 1e-3 * abs(z) * FARADAY_C_PER_MOL * cout
    assert abs(ghk_unit_density(e, float(z), cin, cout, vt)) < 1e-12 * scale * 20
    limit = 1e-3 * z * FARADAY_C_PER_MOL * (cin - cout)  # the V -> 0 limit
    for v in (0.0, 1e-12, -1e-12, 1e-8, -1e-8):
        assert ghk_unit_density(v, float(z), cin, cout, vt) == pytest.approx(limit, rel=abs(z * v / vt) + 1e-12)


@settings(max_examples=100, deadline=None)
@given(st.floats(-150.0, 100.0), st.sampled_from([1, 2, -1]), st.floats(1e-3, 200.0), st.floats(1e-3, 200.0))
def test_ghk_linearised_slope_matches_centred_difference(v, z, cin, cout):
    # The kernel linearises a GHK channel with a forward difference of GHK_DV_MV (0.001 mV).
    # Its error against the true slope is 0.5 * I'' * dv (Taylor), plus round-off
    # ~ eps |I| / dv. The centred difference with h = 1e-2 mV is accurate to
    # I''' h^2 / 6, negligible next to that. Tolerance: |I''| dv (twice the expected
    # error) + 1e-9 of the slope's scale for round-off.
    vt = thermal_voltage_mV(20.0)
    m = _one_ghk_channel_model(z, cin, cout, vt)
    g = np.empty(1)
    e = np.empty(1)
    accumulate_membrane(np.array([v]), m, np.ones(1), g, e)
    f = lambda x: ref.ghk_unit_density(x, z, cin, cout, vt)  # noqa: E731
    h = 1e-2
    slope = (f(v + h) - f(v - h)) / (2 * h)
    curv = (f(v + 10 * h) - 2 * f(v) + f(v - 10 * h)) / (10 * h) ** 2
    scale = abs(slope) + abs(f(v)) / vt + 1e-3 * abs(z) * FARADAY_C_PER_MOL * (cin + cout) / vt
    assert g[0] == pytest.approx(slope, abs=abs(curv) * GHK_DV_MV + 1e-9 * scale)
    # and e is chosen so that the linear model passes through the present current
    assert g[0] * v - e[0] == pytest.approx(f(v), abs=1e-12 * (abs(g[0] * v) + abs(e[0])) + 1e-300)


def _one_ghk_channel_model(z, cin, cout, vt):
    """A one-node model holding one ungated GHK channel with gmax 1 (so currents are the unit density)."""
    from ranvier.numerics.arrays import KernelModel, with_index32

    I = lambda *x: np.array(x, np.int64)  # noqa: E731
    F = lambda *x: np.array(x, np.float64)  # noqa: E731
    ei, ef = np.zeros(0, np.int64), np.zeros(0, np.float64)
    fields = dict(
        parent=I(-1), cap_nF=F(1.0), g_axial_uS=F(0.0), area_cm2=F(1.0), node_cell=I(0),
        type_kind=ei, type_form=np.zeros((0, 2), np.int64), type_par=np.zeros((0, 2, 3)),
        gate_node=ei, gate_type=ei, gate_phi=ef, gate_power=ei,
        chan_node=I(0), chan_law=I(membrane.LAW_GHK), chan_gmax=F(1.0), chan_erev=F(0.0), chan_z=F(float(z)),
        chan_cin=F(cin), chan_cout=F(cout), chan_vt=F(vt), chan_gate_start=I(0), chan_gate_count=I(0),
    )
    empty = {f: (ei if "node" in f or "start" in f or "count" in f or "interp" in f or "cell" in f or "kind" in f
                 or "index" in f or f == "rec_list" else ef)
             for f in KernelModel._fields if f not in fields}
    return with_index32(KernelModel(**fields, **empty))  # the dtypes assemble() gives
