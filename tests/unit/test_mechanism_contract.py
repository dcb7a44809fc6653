"""The contract every mechanism in the catalogue keeps, checked for each one automatically.

Parametrised over ``ranvier.mechanisms.CATALOGUE``: a channel added there is checked
here without touching this file. Rates and steady states are checked both in the
declaration (the rate-form objects' NumPy evaluation) and in the form the solver sees
(the lowered rate table evaluated by the compiled kernel), so a lowering mistake
shows up too. A second part declares a new channel in the test itself and runs it
through ``Simulation`` without adding anything to the solver.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import ranvier as rv
from ranvier.assemble import assemble
from ranvier.constants import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K, ZERO_CELSIUS_K
from ranvier.ions import Concentrations
from ranvier.mechanisms import CATALOGUE
from ranvier.numerics import engine, rates, stepper
from ranvier.numerics.tables import no_tables
from ranvier.simulation import initial_xstate

V_GRID = np.linspace(-150.0, 100.0, 2501)  # mV, 0.1 mV apart
CHANNELS = sorted(CATALOGUE)
GATES = [(name, g.name) for name in CHANNELS for g in CATALOGUE[name].gates]
CHARGE = {"na": 1, "k": 1, "cl": -1, "ca": 2}


def _gate(channel: str, gate: str) -> rv.Gate:
    return next(g for g in CATALOGUE[channel].gates if g.name == gate)


def _one_compartment(ch: rv.Channel, temperature_degC: float = 37.0, recordings=()):
    """A 10 um x 10 um single-compartment cell carrying only ``ch``, lowered to kernel arrays."""
    cell = rv.Cell(rv.Morphology([rv.Section("soma", 10.0, 10.0, nseg=1)]), mechanisms=[ch],
                   temperature_degC=temperature_degC)
    model, layout, _ = assemble((cell,), (), tuple(recordings))
    return cell, model, layout


def _kernel_rows(ch: rv.Channel, gate_name: str):
    """The lowered table row (kind, forms, parameters) that the kernel evaluates for this gate."""
    _, m, _ = _one_compartment(ch)
    k = [g.name for g in ch.gates].index(gate_name)
    t = m.gate_type[m.chan_gate_start[0] + k]
    return int(m.type_kind[t]), m.type_form[t], m.type_par[t]


def _kernel_forms(ch, gate_name):
    """Both table entries of the gate (alpha, beta or inf, tau) over V_GRID, from the kernel."""
    kind, form, par = _kernel_rows(ch, gate_name)
    out = np.array([[rates.rate_value(int(form[j]), par[j, 0], par[j, 1], par[j, 2], float(v)) for v in V_GRID]
                    for j in range(2)])
    return kind, out


# --------------------------------------------------------------------------- per gate


@pytest.mark.parametrize("channel, gate", GATES)
def test_rates_are_finite_and_non_negative(channel, gate):
    ch, g = CATALOGUE[channel], _gate(channel, gate)
    kind, (first, second) = _kernel_forms(ch, gate)
    declared = np.array([f(V_GRID) for f in g.forms])
    for values in (np.array([first, second]), declared):
        assert np.all(np.isfinite(values)), "a rate or time constant is not finite in -150..100 mV"
        assert np.all(values >= 0.0), "a rate or time constant is negative in -150..100 mV"
    if kind == 0:
        assert np.all(first + second > 0.0), "alpha + beta vanishes: tau would be infinite"
    # the lowered table computes what the declaration says
    np.testing.assert_allclose(np.array([first, second]), declared, rtol=1e-12, atol=0)


@pytest.mark.parametrize("channel, gate", GATES)
def test_steady_state_is_in_unit_interval(channel, gate):
    g = _gate(channel, gate)
    inf = np.asarray(g.steady_state(V_GRID))
    assert np.all(np.isfinite(inf)) and np.all((inf >= 0.0) & (inf <= 1.0))
    kind, form, par = _kernel_rows(CATALOGUE[channel], gate)
    inf_k = np.array([rates.gate_inf_rate(kind, form, par, float(v))[0] for v in V_GRID])
    assert np.all((inf_k >= 0.0) & (inf_k <= 1.0))
    np.testing.assert_allclose(inf_k, inf, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("channel, gate", GATES)
@pytest.mark.parametrize("temperature_degC", [6.3, 22.0, 37.0])
def test_time_constant_is_positive_and_finite(channel, gate, temperature_degC):
    ch, g = CATALOGUE[channel], _gate(channel, gate)
    phi = ch.temperature_factor(temperature_degC)
    tau = np.asarray(g.time_constant_ms(V_GRID, phi))
    assert np.all(np.isfinite(tau)) and np.all(tau > 0.0)
    kind, form, par = _kernel_rows(ch, gate)
    rate_k = np.array([rates.gate_inf_rate(kind, form, par, float(v))[1] for v in V_GRID])
    np.testing.assert_allclose(1.0 / (rate_k * phi), tau, rtol=1e-12)


# --------------------------------------------------------------------------- per channel


def _reversal_mV(ch: rv.Channel, temperature_degC: float) -> float:
    """e_rev_mV if fixed, else Nernst E = (RT/zF) ln(c_out/c_in) of the default concentrations."""
    if ch.e_rev_mV is not None:
        return ch.e_rev_mV
    c = Concentrations()
    vt = 1e3 * GAS_CONSTANT_J_PER_MOL_K * (temperature_degC + ZERO_CELSIUS_K) / FARADAY_C_PER_MOL
    return vt / CHARGE[ch.ion] * math.log(c.outside(ch.ion) / c.inside(ch.ion))


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("cn", [False, True], ids=["be", "cn"])
def test_zero_current_at_reversal(channel, cn):
    # One compartment with only this channel, every node at E and the gates at their
    # steady state there: the kernel sees g (E - E) = 0 (or a GHK current that vanishes
    # at the Nernst potential), so one step changes nothing. Tolerance: round-off of the
    # solve, a few ulp of |E| (1e-10 mV allows ~1e4 ulp).
    ch = CATALOGUE[channel]
    temperature = 37.0
    e = _reversal_mV(ch, temperature)
    ion_var = f"i_{ch.ion}"
    _, m, _ = _one_compartment(ch, temperature, recordings=[(ion_var, rv.Site("soma"))])
    if not ch.is_ghk:
        assert m.chan_erev[0] == pytest.approx(e, abs=1e-9)
    v = np.full(m.parent.shape[0], e)
    state = np.zeros(m.gate_node.shape[0])
    rates.steady_gates(v, m.gate_node, m.gate_type, m.type_kind, m.type_form, m.type_par, state)
    state0 = state.copy()
    out = np.full((2, 1), np.nan)
    code, _ = engine.integrate(m, no_tables(state.shape[0]), v, state, initial_xstate(m), 0.0, 0.025, 1, cn, 1, out,
                                  np.zeros(1, np.int64))
    assert code == 0
    np.testing.assert_allclose(v, e, rtol=0, atol=1e-10)
    np.testing.assert_allclose(state, state0, rtol=0, atol=1e-12)
    if not ch.is_ghk:
        assert out[0, 0] == 0.0  # g (E - E) is exactly zero at the start
    # after the step, only the round-off left in v: |i| <= gbar |v' - E| (mA/cm2)
    assert abs(out[1, 0]) <= max(ch.density, 1e-3) * 1e-10 * (1e3 if ch.is_ghk else 1.0)


@pytest.mark.parametrize("channel", CHANNELS)
def test_q10_factor_is_one_at_the_reference_temperature(channel):
    ch = CATALOGUE[channel]
    assert ch.temperature_factor(ch.reference_temp_degC) == 1.0
    assert ch.temperature_factor(ch.reference_temp_degC + 10.0) == pytest.approx(ch.q10, rel=1e-12)
    if ch.gates and -20.0 <= ch.reference_temp_degC <= 60.0:
        _, m, _ = _one_compartment(ch, ch.reference_temp_degC)
        assert np.all(m.gate_phi == 1.0)


YEAR_OR_DOI = re.compile(r"\b(1[89]\d\d|20\d\d)\b|doi", re.IGNORECASE)


@pytest.mark.parametrize("channel", CHANNELS)
def test_citation_names_a_year_or_doi(channel):
    citation = CATALOGUE[channel].citation
    assert isinstance(citation, str) and citation.strip()
    assert YEAR_OR_DOI.search(citation), f"citation of {channel!r} has neither a year nor a DOI: {citation!r}"


def test_catalogue_is_not_empty_and_names_match_keys():
    assert CHANNELS
    for name, ch in CATALOGUE.items():
        assert ch.name == name


# --------------------------------------------------------------------------- a channel declared here

# An A-type (transient, inactivating) K+ current declared with inf/tau forms. The
# kinetics are illustrative, in the style of Connor & Stevens (1971, J Physiol
# 213:21-30); the point is the declaration path, not the numbers. gbar is tiny so
# that the clamp holds the membrane within ~1e-5 mV of the command (the gates do not
# depend on gbar).
KA = rv.Channel(
    name="ka_test",
    ion="k",
    gbar_S_cm2=1e-5,
    gates=(
        rv.Gate("a", 3, inf=rv.Sigmoid(1.0, -60.0, 8.5), tau=rv.Sigmoid(4.0, -50.0, -15.0)),
        rv.Gate("b", 1, inf=rv.Sigmoid(1.0, -78.0, -6.0), tau=rv.Constant(20.0)),
    ),
    q10=3.0,
    reference_temp_degC=24.0,
    citation="test channel after Connor JA, Stevens CF (1971) J Physiol 213:21-30",
)
TEMPERATURE = 34.0  # phi = 3 ** ((34 - 24) / 10) = 3
HOLD, COMMAND, T_ON, T_OFF, DT = -80.0, -20.0, 1.0, 6.0, 0.025  # mV, mV, ms, ms, ms: jumps on step boundaries


SOMA_DIAM_UM = 20.0
SERIES_MOHM = 1e-3  # the VoltageClamp default


def _clamp_run(channel, method):
    cell = rv.Cell(rv.Morphology([rv.Section("soma", SOMA_DIAM_UM, SOMA_DIAM_UM, nseg=1)]), mechanisms=[channel],
                   temperature_degC=TEMPERATURE)
    site = rv.Site("soma")
    clamp = rv.VoltageClamp(site, rv.Waveform.step(COMMAND, T_ON, T_OFF - T_ON, baseline=HOLD), SERIES_MOHM)
    names = ["v"] + [f"{channel.name}_{g.name}" for g in channel.gates]
    sim = rv.Simulation(cell, stimuli=[clamp], probes=[rv.Probe(site, tuple(names))], tstop_ms=10.0, dt_ms=DT,
                        method=method, v_init_mV=HOLD)
    return sim.run().sel(site=site.label)


def _step(gate, m0, v, dt, phi):
    """One exact relaxation step of a gate at fixed v."""
    inf, tau = float(gate.steady_state(v)), float(gate.time_constant_ms(v, phi))
    return inf + (m0 - inf) * math.exp(-dt / tau)


def _relaxation(gate, phi, t):
    """inf + (m0 - inf) exp(-t/tau) through the clamp steps: hold, command from T_ON, hold from T_OFF."""
    m = np.empty_like(t)
    m_hold = float(gate.steady_state(HOLD))
    inf_c, tau_c = float(gate.steady_state(COMMAND)), float(gate.time_constant_ms(COMMAND, phi))
    tau_h = float(gate.time_constant_ms(HOLD, phi))
    m_off = inf_c + (m_hold - inf_c) * math.exp(-(T_OFF - T_ON) / tau_c)
    before, during = t < T_ON - 1e-9, (t >= T_ON - 1e-9) & (t < T_OFF - 1e-9)
    after = ~(before | during)
    m[before] = m_hold
    m[during] = inf_c + (m_hold - inf_c) * np.exp(-(t[during] - T_ON) / tau_c)
    m[after] = m_hold + (m_off - m_hold) * np.exp(-(t[after] - T_OFF) / tau_h)
    return m


def _tolerance(gate, phi, method):
    """How far the recorded gate may stray from the analytic curve, from dt.

    Exponential Euler is exact over a step at fixed V, and both clamp jumps lie on step
    boundaries, so the only dt-dependent error is the step right after each jump: the
    implicit solve leaves the membrane a fraction r of the jump short of the command,
    r = (C/dt)/(C/dt + g_clamp) for backward Euler and ((2C/dt)/(2C/dt + g_clamp))^2 for
    the two damped half steps of Crank-Nicolson (C = 0.0126 nF, g_clamp = 1000 uS,
    dt = 0.025 ms: r = 5e-4 and 1e-6), and the gate takes that step at the wrong V.
    The error of that one step is computed exactly below; afterwards it only decays.
    Twice the sum over both jumps, plus 1e-6 for the clamp's holding error
    (|v - V_cmd| < 1e-5 mV times |dm/dV| < 0.1 /mV).
    """
    c_nF = 1.0 * math.pi * SOMA_DIAM_UM**2 * 1e-8 * 1e3
    g_clamp = 1.0 / SERIES_MOHM
    if method == "be":
        r = (c_nF / DT) / (c_nF / DT + g_clamp)
    else:
        r = ((2 * c_nF / DT) / (2 * c_nF / DT + g_clamp)) ** 2
    m_hold = float(gate.steady_state(HOLD))
    m_off = float(_relaxation(gate, phi, np.array([T_OFF - 1e-6]))[0])
    total = 0.0
    for m0, v_from, v_to in ((m_hold, HOLD, COMMAND), (m_off, COMMAND, HOLD)):
        total += abs(_step(gate, m0, v_to + r * (v_from - v_to), DT, phi) - _step(gate, m0, v_to, DT, phi))
    return 2.0 * total + 1e-6


@pytest.mark.parametrize("method", ["be", "cn"])
def test_user_declared_channel_relaxes_exponentially_under_voltage_clamp(method):
    # Warm up the solver on a catalogue channel first, then count the compiled
    # specialisations of every kernel Simulation calls: the new channel must add none
    # (it is rows in the rate table, not code).
    _clamp_run(rv.hh_k, method)
    kernels = (engine.integrate_cells, stepper.find_rest, rates.steady_gates)  # integrate is a Python driver now
    compiled = [len(k.signatures) for k in kernels]
    res = _clamp_run(KA, method)
    assert [len(k.signatures) for k in kernels] == compiled

    t = res.time.values
    v = res.v.values
    held = (t > T_ON + 2 * DT) & (t < T_OFF - 1e-9)
    assert np.max(np.abs(v[held] - COMMAND)) < 1e-5  # the clamp holds the command
    phi = KA.temperature_factor(TEMPERATURE)
    assert phi == pytest.approx(3.0, rel=1e-12)
    for g in KA.gates:
        m = res[f"{KA.name}_{g.name}"].values
        expected = _relaxation(g, phi, t)
        tol = _tolerance(g, phi, method)
        # the gate really moves: the check is not trivially met
        assert np.ptp(expected) > 100 * tol
        assert np.max(np.abs(m - expected)) <= tol
        assert np.all((m >= 0.0) & (m <= 1.0))
