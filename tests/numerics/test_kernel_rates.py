"""Rate forms and exponential-Euler gate updates: kernel vs twin vs closed forms.

References: the formulas in ``ranvier.numerics.rates`` (restated in
``reference.rate_value``), the Taylor series x/(1 - e^-x) = 1 + x/2 + x^2/12 - x^4/720
+ ... (Bernoulli numbers), and the exact solution m(t) = inf + (m0 - inf) exp(-t/tau)
of dm/dt = (inf - m)/tau at constant voltage.
Tolerances: kernel and twin evaluate the same elementary functions (exp, expm1, a few
multiplications), so they agree to a few ulp; we ask for 1e-12 relative.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ranvier.mechanisms import CATALOGUE, Constant, Exp, Gate, Linoid, Sigmoid
from ranvier.numerics import reference as ref
from ranvier.numerics.rates import (
    FORM_CONSTANT,
    FORM_EXP,
    FORM_LINOID,
    FORM_SIGMOID,
    gate_inf_rate,
    rate_value,
    update_gates,
)

V = st.floats(-150.0, 100.0, allow_nan=False)
RATE = st.floats(0.0, 10.0, allow_nan=False)
MID = st.floats(-100.0, 100.0, allow_nan=False)
SCALE = st.one_of(st.floats(0.5, 100.0), st.floats(-100.0, -0.5))
FORM_CLASS = {FORM_EXP: Exp, FORM_SIGMOID: Sigmoid, FORM_LINOID: Linoid}


def _k(form, p0, p1, p2, v):
    return rate_value(int(form), float(p0), float(p1), float(p2), float(v))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([FORM_EXP, FORM_SIGMOID, FORM_LINOID, FORM_CONSTANT]), RATE, MID, SCALE, V)
def test_rate_forms_kernel_equals_twin_and_form_objects(form, p0, p1, p2, v):
    k = _k(form, p0, p1, p2, v)
    r = ref.rate_value(form, p0, p1, p2, v)
    assert math.isfinite(k) and k >= 0.0
    assert k == pytest.approx(r, rel=1e-12, abs=1e-300)
    if form in FORM_CLASS:  # the declaration objects' NumPy evaluation, a third implementation
        assert k == pytest.approx(float(FORM_CLASS[form](p0, p1, p2)(v)), rel=1e-12, abs=1e-300)


def _linoid_series(x):
    x2 = x * x
    return 1.0 + x / 2.0 + x2 / 12.0 - x2 * x2 / 720.0


@pytest.mark.parametrize("x", [0.0, 1e-15, 1e-12, 1e-9, 1e-7, 5e-7, 1e-6 * (1 - 1e-12), 1e-6, 1e-6 * (1 + 1e-12),
                               2e-6, 1e-5, 1e-4, 1e-3])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_linoid_near_zero_matches_its_series(x, sign):
    # v = x with midpoint 0 and scale 1 makes x exact; the series' truncation error is < 1e-19 here
    x = sign * x
    assert _k(FORM_LINOID, 1.0, 0.0, 1.0, x) == pytest.approx(_linoid_series(x), rel=1e-12)
    assert ref.rate_value(FORM_LINOID, 1.0, 0.0, 1.0, x) == pytest.approx(_linoid_series(x), rel=1e-14)


def test_linoid_limit_and_continuity_at_zero():
    # the value at x = 0 is the limit p0 exactly; at x = +-1e-7 the function differs from the
    # limit by its slope p0/2 * x and nothing else (to 1e-12 relative)
    p0 = 3.7
    assert _k(FORM_LINOID, p0, 0.0, 1.0, 0.0) == p0
    for x in (1e-7, -1e-7):
        assert _k(FORM_LINOID, p0, 0.0, 1.0, x) - p0 == pytest.approx(p0 * x / 2.0, rel=1e-5)
        assert abs(_k(FORM_LINOID, p0, 0.0, 1.0, x) / p0 - 1.0 - x / 2.0) < 1e-12
    # no visible jump where the kernel switches from its series 1 + x/2 to expm1 (|x| = 1e-6):
    # the series' missing x^2/12 term leaves a step of 8.3e-14 there, well inside 1e-12
    for edge in (1e-6, -1e-6):
        below = _k(FORM_LINOID, 1.0, 0.0, 1.0, edge * (1 - 1e-9))
        above = _k(FORM_LINOID, 1.0, 0.0, 1.0, edge * (1 + 1e-9))
        assert abs(above - below) < 1e-12
    # the same through a real midpoint and a negative scale (Traub-Miles beta_m style)
    for p1, p2 in ((-40.0, 10.0), (-16.2, -5.0)):
        for dv in (0.0, 1e-6, -1e-6, 1e-9):
            x = ((p1 + dv) - p1) / p2
            assert _k(FORM_LINOID, 2.0, p1, p2, p1 + dv) == pytest.approx(2.0 * _linoid_series(x), rel=1e-12)


# ------------------------------------------------------------------- gates

CATALOGUE_GATES = [g for ch in CATALOGUE.values() for g in ch.gates]


@st.composite
def gates(draw):
    """A catalogue gate, or a random alpha/beta or inf/tau gate with rates that do not
    both vanish over the voltage range."""
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return draw(st.sampled_from(CATALOGUE_GATES))
    if choice == 1:
        alpha = draw(st.sampled_from([Linoid, Exp, Sigmoid]))(draw(st.floats(0.01, 5.0)), draw(MID), draw(SCALE))
        beta = draw(st.sampled_from([Linoid, Exp, Sigmoid]))(draw(st.floats(0.01, 5.0)), draw(MID), draw(SCALE))
        return Gate("x", 1, alpha=alpha, beta=beta)
    inf = Sigmoid(1.0, draw(MID), draw(SCALE))
    tau = draw(st.sampled_from([Constant(draw(st.floats(0.05, 100.0))), Sigmoid(draw(st.floats(0.1, 50.0)), draw(MID), draw(SCALE))]))
    return Gate("y", 1, inf=inf, tau=tau)


def _table(gate):
    """The gate's rate-table row, lowered from its declaration (form code, 3 parameters each)."""
    kind = np.array([gate.kind], np.int64)
    form = np.array([[f.code for f in gate.forms]], np.int64)
    par = np.array([[list(f.params) for f in gate.forms]], np.float64)
    return kind, form, par


def _kernel_update(gate, v, m0, dt, phi):
    kind, form, par = _table(gate)
    state = np.array([m0], np.float64)
    update_gates(np.array([v], np.float64), np.zeros(1, np.int64), np.zeros(1, np.int64), np.array([phi], np.float64),
                 kind, form, par, state, float(dt))
    return float(state[0])


def _analytic(gate, v, m0, t, phi):
    inf = float(gate.steady_state(v))
    tau = float(gate.time_constant_ms(v, phi))
    return inf + (m0 - inf) * math.exp(-t / tau), inf, tau


@settings(max_examples=200, deadline=None)
@given(gates(), V)
def test_gate_inf_rate_kernel_equals_twin(gate, v):
    kind, form, par = _table(gate)
    inf_k, r_k = gate_inf_rate(kind[0], form[0], par[0], float(v))
    inf_r, r_r = ref.gate_inf_rate(kind[0], form[0], par[0], v)
    assume(math.isfinite(inf_r) and math.isfinite(r_r) and r_r > 0)
    assert inf_k == pytest.approx(inf_r, rel=1e-12, abs=1e-300)
    assert r_k == pytest.approx(r_r, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(gates(), V, st.floats(0.0, 1.0), st.floats(1e-4, 1e3), st.floats(0.1, 30.0))
def test_exponential_euler_is_the_exact_solution_for_constant_v(gate, v, m0, dt, phi):
    # exact for any dt, not only small ones: no O(dt) error term at fixed voltage
    m_exact, inf, tau = _analytic(gate, v, m0, dt, phi)
    assume(math.isfinite(inf) and math.isfinite(tau) and tau > 0)
    m = _kernel_update(gate, v, m0, dt, phi)
    assert m == pytest.approx(m_exact, abs=1e-12)
    kind, form, par = _table(gate)
    twin = ref.update_gates(np.array([v]), [0], [0], [phi], kind, form, par, [m0], dt)[0]
    assert m == pytest.approx(twin, abs=1e-13)


@settings(max_examples=100, deadline=None)
@given(gates(), V, st.floats(0.0, 1.0), st.floats(1e-3, 10.0), st.integers(2, 50))
def test_many_small_gate_steps_equal_one_big_step(gate, v, m0, dt, k):
    # the semigroup property of the exact flow: k steps of dt/k land where one step of dt does
    _, inf, tau = _analytic(gate, v, m0, dt, 1.0)
    assume(math.isfinite(inf) and math.isfinite(tau) and tau > 0)
    m = m0
    for _ in range(k):
        m = _kernel_update(gate, v, m, dt / k, 1.0)
    assert m == pytest.approx(_kernel_update(gate, v, m0, dt, 1.0), abs=1e-12 * k)


@settings(max_examples=300, deadline=None)
@given(gates(), V, st.floats(0.0, 1.0), st.floats(0.0, 1e4), st.floats(0.01, 100.0))
def test_gate_stays_in_unit_interval(gate, v, m0, dt, phi):
    inf = float(gate.steady_state(v))
    assume(math.isfinite(inf))
    m = _kernel_update(gate, v, m0, dt, phi)
    assert 0.0 <= m <= 1.0
