"""threshold-and-all-or-none: strength-duration curve, rheobase, chronaxie and the all-or-none spike."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get

NAME = "threshold-and-all-or-none"


@pytest.fixture(scope="module")
def ran():
    return get(NAME).run()


def test_strength_duration_is_physiological(ran):
    o, text = ran
    s = o.summary
    thr = np.array(s["thresholds_nA"])
    assert np.all(np.diff(thr) < 0)  # threshold falls as the pulse lengthens (Lapicque 1907; Weiss 1901)
    assert s["rheobase_nA"] == pytest.approx(thr[-1])
    # Lapicque: for an RC membrane the chronaxie is tau_m * ln 2; here tau_m = C/g_leak = 1 uF/cm2 / 0.1 mS/cm2
    # = 10 ms. Active K+ and Na+ near threshold move it, but it must stay within a factor 3; neuronal cell
    # bodies have chronaxies of about 1-10 ms (Ranck 1975, Brain Res 98:417).
    assert 10.0 * np.log(2) / 3 < s["chronaxie_ms"] < 10.0 * np.log(2) * 3
    # the threshold at the chronaxie is twice the rheobase, by definition: interpolate the measured curve
    at_ch = np.exp(np.interp(np.log(s["chronaxie_ms"]), np.log(s["durations_ms"]), np.log(thr)))
    assert at_ch == pytest.approx(2 * s["rheobase_nA"], rel=0.02)
    # rheobase of order 1 uA/cm2 for a 20 um cell with a 10 kOhm*cm2 membrane resting ~20 mV below threshold
    assert 0.3 < s["rheobase_uA_cm2"] < 5.0
    # the shortest pulse delivers the charge C * dV that brings rest (-72.7 mV) to threshold (about -55 mV)
    cap_pF = np.pi * 20.0 * 20.0 * 1e-8 * 1e6  # 1 uF/cm2 over the soma area
    assert 10.0 < s["charges_pC"][0] / cap_pF * 1e3 < 30.0
    assert s["charge_rises"] and s["chronaxie_weiss_ms"] > 0
    assert f"{s['chronaxie_ms']:.3g} ms" in text and f"{s['rheobase_nA']:.3g} nA" in text


def test_all_or_none(ran):
    o, text = ran
    s = o.summary
    assert not s["spike_below"] and s["spike_above"]
    assert 2 * s["step_percent"] < 2.0  # amplitudes differ by < 2 %
    assert s["peak_above_mV"] - s["peak_below_mV"] > 50.0  # ... but the peaks by > 50 mV
    assert s["peak_above_mV"] > 20.0  # a full-size overshooting spike
    assert "all-or-none:" in text and f"{s['peak_above_mV']:.1f} mV" in text


def test_finding_follows_altered_numbers(ran):
    o, _ = ran
    ex = get(NAME)
    s2 = copy.deepcopy(o.summary)
    s2["chronaxie_ms"], s2["rheobase_nA"] = 0.321, 0.0777
    text = ex.finding_fn(s2)
    assert "chronaxie of 0.321 ms" in text and "0.0777 nA" in text
    s3 = copy.deepcopy(o.summary)
    s3["spike_below"], s3["peak_below_mV"] = True, 60.0
    assert "not all-or-none" in ex.finding_fn(s3)
    s4 = copy.deepcopy(o.summary)
    s4["thresholds_nA"] = list(reversed(s4["thresholds_nA"]))
    assert "does not fall steadily" in ex.finding_fn(s4)


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"step_percent must be in \[0.01, 5\]"):
        get(NAME).run(step_percent=20.0)
    with pytest.raises(RanvierError, match=r"Did you mean 'longest_ms'"):
        get(NAME).run(longest_mss=50.0)
    with pytest.raises(RanvierError, match=r"shortest_ms must be in \[0.025, 1\]"):
        get(NAME).run(shortest_ms=0.001)


def test_catalogue_lists_it():
    assert NAME in catalogue()
