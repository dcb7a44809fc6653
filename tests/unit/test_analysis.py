"""Tests for ranvier.analysis: spike times, AP features, conduction velocity."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from ranvier.analysis import (
    APFeatures,
    ap_features,
    ap_features_xr,
    conduction_velocity_from_traces,
    conduction_velocity_from_traces_xr,
    conduction_velocity_m_s,
    latency_ms,
    match_spikes,
    spike_times,
    spike_times_xr,
)
from ranvier.errors import RanvierError

# --------------------------------------------------------------------------
# synthetic signals
# --------------------------------------------------------------------------

# A piecewise-linear AP train. Each AP: flat baseline at -65 mV, kink at
# t0 (threshold), rise at 190 mV/ms to +30 mV, fall at 110 mV/ms to -80 mV
# (AHP), slow recovery at 3 mV/ms (below the 10 mV/ms onset criterion).
BASE, PEAK, AHP = -65.0, 30.0, -80.0
RISE, FALL, RECOVER = 190.0, 110.0, 3.0
AP_ONSETS = (2.0, 10.0)


def _ap_knots(onsets=AP_ONSETS, t_end=20.0):
    kt, kv = [0.0], [BASE]
    for t0 in onsets:
        t1 = t0 + (PEAK - BASE) / RISE
        t2 = t1 + (PEAK - AHP) / FALL
        t3 = t2 + (BASE - AHP) / RECOVER
        kt += [t0, t1, t2, t3]
        kv += [BASE, PEAK, AHP, BASE]
    kt.append(t_end)
    kv.append(BASE)
    return np.array(kt), np.array(kv)


def _pl_ap_trace(dt, offset=0.0037, onsets=AP_ONSETS, t_end=20.0):
    """Sample the piecewise-linear AP train off the knot grid."""
    kt, kv = _ap_knots(onsets, t_end)
    t = offset + dt * np.arange(int((t_end - 0.1) / dt))
    return t, np.interp(t, kt, kv)


# --------------------------------------------------------------------------
# spike_times
# --------------------------------------------------------------------------


def test_spike_times_linear_ramp_exact():
    # sawtooth: -60 -> +40 mV linearly over each 2 ms period; -20 mV is
    # reached 0.8 ms into each period. Sampling does not hit the crossings.
    dt = 0.03
    t = dt * np.arange(int(9.9 / dt))
    v = -60.0 + 100.0 * ((t / 2.0) % 1.0)
    got = spike_times(t, v, -20.0)
    expected = 0.8 + 2.0 * np.arange(5)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_spike_times_sine_converges_second_order():
    amp, f, thr = 50.0, 0.37, 15.0  # mV, 1/ms, mV
    first = math.asin(thr / amp) / (2 * math.pi * f)
    errs = []
    dts = [0.05, 0.025, 0.0125]
    for dt in dts:
        t = 0.0123 + dt * np.arange(int(54.0 / dt))
        v = amp * np.sin(2 * np.pi * f * t)
        got = spike_times(t, v, thr)
        k = np.round((got - first) * f)
        assert got.size == 20
        np.testing.assert_array_equal(k, np.arange(20))
        errs.append(np.max(np.abs(got - (first + k / f))))
    # linear interpolation of a smooth signal: error ~ C dt^2
    for e_coarse, e_fine in zip(errs, errs[1:]):
        assert 3.5 < e_coarse / e_fine < 4.5
    # and bounded by v''/(8 v') dt^2 at the crossing
    bound = (2 * math.pi * f) * thr / (8 * math.sqrt(amp**2 - thr**2))
    for dt, e in zip(dts, errs):
        assert e <= bound * dt**2 * 1.02


def test_spike_times_no_crossing_and_start_above():
    t = np.linspace(0, 5, 51)
    assert spike_times(t, np.full_like(t, -70.0)).size == 0
    # starting above threshold is not a crossing; a sample exactly at the
    # threshold coming from below is.
    v = np.array([10.0, 5.0, -30.0, -20.0, -25.0])
    np.testing.assert_allclose(spike_times(t[:5], v), [t[3]])


_levels = st.integers(-400, 400).map(lambda k: k / 4.0)  # exact dyadic mV


@st.composite
def _pl_signal(draw):
    n = draw(st.integers(2, 60))
    steps = draw(st.lists(st.integers(1, 40), min_size=n - 1, max_size=n - 1))
    t0 = draw(st.integers(-100, 100)) / 8.0
    t = t0 + np.concatenate([[0.0], np.cumsum(steps) / 8.0])
    v = np.array(draw(st.lists(_levels, min_size=n, max_size=n)))
    thr = draw(_levels)
    return t, v, thr


@settings(max_examples=200, deadline=None)
@given(_pl_signal(), st.integers(-400, 400).map(lambda k: k / 4.0))
def test_spike_times_properties_piecewise_linear(sig, shift):
    t, v, thr = sig
    got = spike_times(t, v, thr)
    # independent count of upward crossings of the piecewise-linear signal
    segs = [i for i in range(len(v) - 1) if v[i] < thr <= v[i + 1]]
    assert got.size == len(segs)
    for tc, i in zip(got, segs):
        assert t[i] <= tc <= t[i + 1]
        # the signal is linear there, so it equals thr at the crossing time
        assert np.interp(tc, t, v) == pytest.approx(thr, abs=1e-9)
    assert np.all(np.diff(got) > 0)
    # shifting voltage and threshold together changes nothing
    np.testing.assert_allclose(spike_times(t, v + shift, thr + shift), got, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------
# ap_features
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dt", [0.02, 0.01, 0.005])
def test_ap_features_piecewise_linear_ap(dt):
    t, v = _pl_ap_trace(dt)
    feats = ap_features(t, v)
    assert len(feats) == 2
    assert all(isinstance(f, APFeatures) for f in feats)

    half_level = 0.5 * (BASE + PEAK)
    true_hw = (half_level - BASE) / RISE + (PEAK - half_level) / FALL
    # the peak/AHP samples lie within dt of the kinks, so their voltage is
    # off by at most slope * dt
    peak_tol = RISE * dt
    ahp_tol = FALL * dt
    # half-width crossings are in linear parts; only the level can be off
    hw_tol = 0.5 * peak_tol * (1 / RISE + 1 / FALL) + 1e-9

    for f, t0 in zip(feats, AP_ONSETS):
        t_peak = t0 + (PEAK - BASE) / RISE
        # central differences spread the kink over one sample on each side,
        # so the interpolated onset is at most 2 dt early and never late
        assert t0 - 2 * dt <= f.onset_ms <= t0
        # ... and both samples bracketing it lie on the flat baseline
        assert f.threshold_mV == pytest.approx(BASE, abs=1e-9)
        assert abs(f.peak_ms - t_peak) <= dt
        assert PEAK - peak_tol <= f.peak_mV <= PEAK
        assert f.amplitude_mV == pytest.approx(f.peak_mV - f.threshold_mV)
        assert abs(f.half_width_ms - true_hw) <= hw_tol
        assert AHP <= f.ahp_mV <= AHP + ahp_tol
        assert f.ahp_depth_mV == pytest.approx(f.threshold_mV - f.ahp_mV)
        # np.gradient is exact inside a linear segment
        assert f.max_rise_mV_per_ms == pytest.approx(RISE, rel=1e-9)
        assert f.max_fall_mV_per_ms == pytest.approx(FALL, rel=1e-9)


def _gauss_ap(dt, amp=95.0, sigma=0.3, tp=5.0, base=-65.0):
    t = 0.0013 + dt * np.arange(int(10.0 / dt))
    return t, base + amp * np.exp(-((t - tp) ** 2) / (2 * sigma**2))


def test_ap_features_gaussian_sekerli_threshold_converges():
    amp, sigma, tp, base, rate = 95.0, 0.3, 5.0, -65.0, 10.0

    def vfun(x):
        return base + amp * math.exp(-((x - tp) ** 2) / (2 * sigma**2))

    def dvdt(x):
        return -amp * (x - tp) / sigma**2 * math.exp(-((x - tp) ** 2) / (2 * sigma**2))

    # analytic onset: dV/dt = 10 mV/ms on the upstroke (before tp - sigma,
    # where dV/dt is largest)
    t_on = brentq(lambda x: dvdt(x) - rate, tp - 6 * sigma, tp - sigma)
    v_th = vfun(t_on)
    level = 0.5 * (v_th + base + amp)
    true_hw = 2 * sigma * math.sqrt(2 * math.log(amp / (level - base)))

    fine = np.linspace(t_on - 0.05, t_on + 0.05, 1001)
    d2v_max = np.max(np.abs(np.gradient([dvdt(x) for x in fine], fine)))

    errs = []
    for dt in (0.02, 0.01, 0.005):
        t, v = _gauss_ap(dt, amp, sigma, tp, base)
        (f,) = ap_features(t, v, dvdt_threshold_mV_per_ms=rate)
        errs.append(abs(f.onset_ms - t_on))
        assert abs(f.onset_ms - t_on) <= dt
        # threshold is v linearly interpolated at the onset time: within
        # max|v''| dt^2 / 8 of the true v there
        assert abs(f.threshold_mV - vfun(f.onset_ms)) <= d2v_max * dt**2 / 8
        assert abs(f.threshold_mV - v_th) <= rate * abs(f.onset_ms - t_on) + d2v_max * dt**2 / 8
        assert abs(f.peak_ms - tp) <= dt / 2
        assert abs(f.peak_mV - (base + amp)) <= amp * dt**2 / (2 * sigma**2)
        assert abs(f.half_width_ms - true_hw) <= 2 * dt
        assert f.ahp_mV == pytest.approx(vfun(t[-1]), abs=1e-9)  # trace end
        assert f.max_rise_mV_per_ms == pytest.approx(amp / sigma * math.exp(-0.5), rel=0.01)
    # onset error shrinks with dt (second order: derivative and interpolation)
    assert errs[0] / errs[1] > 3 and errs[1] / errs[2] > 3


def test_ap_features_no_spike_and_unfinished_spike():
    t = np.linspace(0, 10, 1001)
    assert ap_features(t, np.full_like(t, -65.0)) == []
    # trace ends on the downstroke before reaching the half level
    kt = [0.0, 5.0, 5.5, 6.0]
    kv = [-65.0, -65.0, 30.0, 20.0]
    t = np.linspace(0, 6.0, 601)
    (f,) = ap_features(t, np.interp(t, kt, kv))
    assert math.isnan(f.half_width_ms)
    assert f.peak_mV == pytest.approx(30.0)
    assert f.ahp_mV == pytest.approx(20.0)


def test_ap_features_ahp_stops_at_next_onset():
    # AP 1 repolarises to -70 mV; AP 2 starts from there and its AHP goes to
    # -90 mV. AP 1's AHP window ends at AP 2's onset, so it must not see -90.
    kt = [0.0, 2.0, 2.5, 3.0, 6.0, 6.5, 7.0, 12.0]
    kv = [-65.0, -65.0, 30.0, -70.0, -70.0, 30.0, -90.0, -90.0]
    t = 0.0021 + 0.005 * np.arange(2390)
    f1, f2 = ap_features(t, np.interp(t, kt, kv))
    assert f1.ahp_mV == pytest.approx(-70.0)
    assert f1.ahp_depth_mV == pytest.approx(5.0)
    assert f2.threshold_mV == pytest.approx(-70.0)
    assert f2.ahp_mV == pytest.approx(-90.0)
    assert f2.ahp_depth_mV == pytest.approx(20.0)


# --------------------------------------------------------------------------
# conduction
# --------------------------------------------------------------------------


def test_conduction_velocity_exact():
    ta = np.array([1.0, 11.0, 21.0])
    tb = ta + 0.5
    np.testing.assert_array_equal(conduction_velocity_m_s(ta, tb, 1000.0), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(latency_ms(ta, tb), [0.5, 0.5, 0.5])


def test_conduction_missing_and_extra_spikes():
    ta = np.array([1.0, 11.0, 21.0])
    # spike at 11 failed; 0.2 precedes every a spike; 21.25 and 21.9 follow
    # the last a spike: only the first of them is matched
    tb = np.array([0.2, 1.25, 21.25, 21.9])
    ia, ib = match_spikes(ta, tb)
    np.testing.assert_array_equal(ia, [0, 2])
    np.testing.assert_array_equal(ib, [1, 2])
    np.testing.assert_allclose(conduction_velocity_m_s(ta, tb, 500.0), [2.0, 2.0])
    # a b spike after the next a spike belongs to that next a spike
    ia, ib = match_spikes([1.0, 2.0], [2.5])
    np.testing.assert_array_equal(ia, [1])
    np.testing.assert_array_equal(ib, [0])


@pytest.mark.parametrize(
    "tb",
    [np.array([]), np.array([0.5]), np.array([1.0]), np.array([0.1, 0.9])],
)
def test_conduction_failure_raises(tb):
    with pytest.raises(RanvierError, match="conduction failed|no spike"):
        conduction_velocity_m_s([1.0], tb, 100.0)
    with pytest.raises(RanvierError, match="conduction failed"):
        latency_ms([1.0], tb)


def test_conduction_velocity_from_traces():
    delay, dist = 0.5, 1000.0
    t, va = _pl_ap_trace(0.01)
    _, vb = _pl_ap_trace(0.01, onsets=tuple(x + delay for x in AP_ONSETS))
    # crossings are on linear segments, so interpolation is exact
    assert conduction_velocity_from_traces(t, va, vb, dist) == pytest.approx(2.0, rel=1e-9)
    with pytest.raises(RanvierError, match="conduction failed"):
        conduction_velocity_from_traces(t, va, np.full_like(t, -65.0), dist)


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------

_T = np.linspace(0, 1, 11)
_V = np.zeros(11)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: spike_times(_T, _V[:-1]), "v_mV"),
        (lambda: spike_times(_T[::-1], _V), "t_ms"),
        (lambda: spike_times(np.r_[_T[:5], _T[4:-1]], _V), "t_ms"),
        (lambda: spike_times(_T, np.r_[_V[:-1], np.nan]), "v_mV"),
        (lambda: spike_times(np.r_[_T[:-1], np.inf], _V), "t_ms"),
        (lambda: spike_times(_T, np.zeros((11, 2))), "v_mV"),
        (lambda: spike_times(_T, _V, float("nan")), "threshold_mV"),
        (lambda: spike_times(_T[:1], _V[:1]), "t_ms"),
        (lambda: ap_features(_T, _V[:-1]), "v_mV"),
        (lambda: ap_features(_T, _V, dvdt_threshold_mV_per_ms=-1.0), "dvdt_threshold_mV_per_ms"),
        (lambda: conduction_velocity_m_s([1.0], [1.5], -10.0), "distance_um"),
        (lambda: conduction_velocity_m_s([1.0], [1.5], 0.0), "distance_um"),
        (lambda: conduction_velocity_m_s([2.0, 1.0], [1.5], 10.0), "t_a_ms"),
        (lambda: conduction_velocity_m_s([1.0], [np.nan], 10.0), "t_b_ms"),
        (lambda: conduction_velocity_from_traces(_T, _V, _V[:-1], 10.0), "v_b"),
        (lambda: conduction_velocity_from_traces(_T, _V, _V, -1.0), "distance_um"),
        (lambda: spike_times_xr(_V), "DataArray"),
    ],
)
def test_bad_input_names_parameter(call, name):
    with pytest.raises(RanvierError, match=name):
        call()


def test_bad_input_message_has_value():
    with pytest.raises(RanvierError, match=r"-10\.0"):
        conduction_velocity_m_s([1.0], [1.5], -10.0)
    with pytest.raises(RanvierError, match=r"nan"):
        spike_times(_T, np.r_[_V[:-1], np.nan])


# --------------------------------------------------------------------------
# DataArray wrappers
# --------------------------------------------------------------------------


def _result_like(dt=0.01, delay=0.5):
    t, va = _pl_ap_trace(dt)
    _, vb = _pl_ap_trace(dt, onsets=tuple(x + delay for x in AP_ONSETS))
    v = xr.DataArray(
        np.stack([va, vb], axis=1),
        dims=("time", "site"),
        coords={"time": t, "site": ["a", "b"]},
        attrs={"units": "mV"},
    )
    return xr.Dataset({"v": v}), t, va, vb


def test_dataarray_wrappers_match_arrays():
    result, t, va, vb = _result_like()
    got = spike_times_xr(result["v"].sel(site="a"))
    np.testing.assert_array_equal(got, spike_times(t, va))
    per_site = spike_times_xr(result["v"])
    assert len(per_site) == 2
    np.testing.assert_array_equal(per_site[1], spike_times(t, vb))
    # same result whatever the dimension order
    per_site_t = spike_times_xr(result["v"].transpose("site", "time"), -20.0)
    np.testing.assert_array_equal(per_site_t[0], spike_times(t, va))

    assert ap_features_xr(result["v"].sel(site="b")) == ap_features(t, vb)
    assert ap_features_xr(result["v"])[0] == ap_features(t, va)

    cv = conduction_velocity_from_traces_xr(
        result["v"].sel(site="a"), result["v"].sel(site="b"), 1000.0
    )
    assert cv == conduction_velocity_from_traces(t, va, vb, 1000.0)
    assert cv == pytest.approx(2.0, rel=1e-9)


def test_dataarray_wrapper_errors():
    result, *_ = _result_like()
    with pytest.raises(RanvierError, match="time"):
        spike_times_xr(result["v"].rename(time="t"))
    with pytest.raises(RanvierError, match="v_a"):
        conduction_velocity_from_traces_xr(result["v"], result["v"].sel(site="b"), 1.0)
    shifted = result["v"].sel(site="b").assign_coords(time=result["time"] + 1.0)
    with pytest.raises(RanvierError, match="same"):
        conduction_velocity_from_traces_xr(result["v"].sel(site="a"), shifted, 1.0)
