"""ranvier's AP features against eFEL (Blue Brain Project's feature extraction library) on the same traces.

Matched settings: eFEL's spike threshold (``Threshold``) -20 mV and onset rate
(``DerivativeThreshold``) 10 mV/ms equal ranvier's defaults, and ``interp_step`` equals the
sampling interval, so eFEL works on the very samples ranvier does.

Tolerances: eFEL reports the onset and the half-width crossings at samples, ranvier
interpolates between samples (features.py), so the onset may differ by up to one sampling
interval dt, the half-width (two crossings) by up to 2 dt, and the threshold voltage by up to the voltage change over one interval at the
onset (10 mV/ms x dt plus the curvature there, bounded here by 2 x 10 mV/ms x dt). Peak
voltage and time, the AHP minimum and the largest rates of rise and fall are the same
samples and the same central differences: 1e-9.
"""

from __future__ import annotations

import pytest

efel = pytest.importorskip("efel")

import ranvier as rv  # noqa: E402
from ranvier.analysis.features import ap_features  # noqa: E402

NAMES = ["peak_time", "peak_voltage", "AP_begin_time", "AP_begin_voltage", "AP_duration_half_width",
         "AP_peak_upstroke", "AP_peak_downstroke", "min_AHP_values"]


@pytest.fixture(scope="module", params=[0.025, 0.01], ids=["dt0.025", "dt0.01"])
def trace(request):
    dt = request.param
    cell = rv.Cell(rv.soma_dendrites_axon(n_dendrites=1, dendrite_length_um=200.0, axon_length_um=300.0),
                   mechanisms=(rv.hh_na, rv.hh_k, rv.hh_leak), temperature_degC=6.3)
    res = rv.simulate(cell, [rv.CurrentClamp.step(rv.Site("soma"), 0.3, 5.0, 40.0)],
                      [rv.Probe(rv.Site("soma"), ("v",))], tstop_ms=60.0, dt_ms=dt)
    return dt, res.time.values, res.v.values[0]


def test_ap_features_agree_with_efel(trace):
    dt, t, v = trace
    mine = ap_features(t, v, dvdt_threshold_mV_per_ms=10.0, spike_threshold_mV=-20.0)
    efel.reset()
    efel.set_setting("interp_step", float(dt))
    efel.set_setting("DerivativeThreshold", 10.0)
    efel.set_setting("Threshold", -20.0)
    ref = efel.get_feature_values([{"T": t, "V": v, "stim_start": [5.0], "stim_end": [45.0]}], NAMES)[0]
    n = len(mine)
    assert n >= 3 and all(ref[k] is not None and len(ref[k]) >= n - 1 for k in NAMES), (n, ref)
    for k, a in enumerate(mine[: len(ref["AP_begin_time"])]):
        def check(name, value, want, tol, unit):
            assert abs(value - want) <= tol, (
                f"spike {k}: {name} ranvier {value:.6g} {unit}, eFEL {want:.6g} {unit} (tolerance {tol:g} {unit})")

        check("peak time", a.peak_ms, ref["peak_time"][k], 1e-9, "ms")
        check("peak", a.peak_mV, ref["peak_voltage"][k], 1e-9, "mV")
        check("onset", a.onset_ms, ref["AP_begin_time"][k], dt, "ms")
        check("threshold", a.threshold_mV, ref["AP_begin_voltage"][k], 2 * 10.0 * dt, "mV")
        check("half-width", a.half_width_ms, ref["AP_duration_half_width"][k], 2 * dt, "ms")
        check("max rise", a.max_rise_mV_per_ms, ref["AP_peak_upstroke"][k], 1e-9 * a.max_rise_mV_per_ms, "mV/ms")
        check("max fall", a.max_fall_mV_per_ms, -ref["AP_peak_downstroke"][k], 1e-9 * a.max_fall_mV_per_ms, "mV/ms")
        if k < len(ref["min_AHP_values"]):
            check("AHP", a.ahp_mV, ref["min_AHP_values"][k], 1e-9, "mV")
