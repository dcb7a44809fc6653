"""refractory-periods: an absolute then a relative refractory period, explained by the recorded gates.

References: Hodgkin & Huxley 1952 (J Physiol 117:500, doi:10.1113/jphysiol.1952.sp004764) computed
refractoriness of their model at 6.3 degC, where the spike itself lasts a few ms; the absolute
refractory period of frog and mammalian axons near room to body temperature is about 1-2 ms
(Hille 2001, Ion Channels of Excitable Membranes, ch. 2), and the HH rates scale with Q10 = 3.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get


@pytest.fixture(scope="module")
def cold():
    return get("refractory-periods").run()


@pytest.fixture(scope="module")
def warm():
    return get("refractory-periods").run(temperature_degC=16.3)


def test_absolute_then_relative_refractory_period(cold):
    o, text = cold
    s = o.summary
    arp, rrp = s["absolute_refractory_ms"], s["relative_refractory_ms"]
    # at 6.3 degC the HH spike lasts ~2-3 ms; scaled by Q10 3 to ~20 degC this is 1-3 ms
    assert 3.0 <= arp <= 10.0
    assert arp < rrp <= 30.0
    ivs = np.array(s["intervals_ms"])
    ratio = np.array([np.inf if r is None else r for r in s["threshold_ratio"]])
    assert np.all(np.isinf(ratio[ivs < arp]))  # nothing up to max_ratio fires inside the absolute period
    rel = (ivs > arp) & (ivs < rrp)
    assert rel.sum() >= 3
    assert np.all(ratio[rel] > 1.05) and np.all(ratio[rel] <= s["max_ratio"])  # more current needed
    assert np.all(np.diff(ratio[rel]) < 0)  # and less the longer the wait
    assert 0.05 < s["threshold_nA"] < 0.5  # a 20 um HH soma: a few mV of charge from a 0.5 ms pulse
    assert f"{arp:.1f} ms" in text and f"{rrp:.1f} ms" in text


def test_gates_explain_refractoriness(cold):
    s = cold[0].summary
    # Na+ inactivation (1 - h) and K+ activation n are well above rest inside the absolute period
    assert s["inactivation_at_absolute"] > s["inactivation_at_rest"] + 0.15
    assert s["n_at_absolute"] > s["n_at_rest"] + 0.1
    ivs = np.array(s["intervals_ms"])
    late = ivs >= s["relative_refractory_ms"]
    # and back near rest once the threshold has recovered
    assert np.all(np.abs(np.array(s["inactivation_at_test"])[late] - s["inactivation_at_rest"]) < 0.05)
    assert np.all(np.abs(np.array(s["n_at_test"])[late] - s["n_at_rest"]) < 0.05)


def test_warming_shortens_refractoriness_by_the_rates_q10(cold, warm):
    a6, a16 = cold[0].summary["absolute_refractory_ms"], warm[0].summary["absolute_refractory_ms"]
    assert 1.0 <= a16 <= 4.0  # near the 1-2 ms of warm axons
    assert 2.0 <= a6 / a16 <= 4.5  # the HH rates' Q10 is 3


def test_finding_follows_altered_numbers(cold):
    ex = get("refractory-periods")
    s2 = copy.deepcopy(cold[0].summary)
    s2["absolute_refractory_ms"], s2["relative_refractory_ms"] = 4.25, 11.5
    s2["inactivation_at_absolute"], s2["n_at_absolute"] = 0.1, 0.2
    text = ex.finding_fn(s2)
    assert "4.2 ms" in text and "11.5 ms" in text
    assert "10 % of the Na+ channels" in text and "n is 0.20" in text and "set by the largest pulse" in text
    assert "The gates say why" in ex.finding_fn(cold[0].summary)
    s2["n_at_absolute"] = 0.6
    text = ex.finding_fn(s2)
    assert "more K+ channels are still open" in text and "fewer Na+ channels" not in text
    s2["supernormal_ratio"], s2["supernormal_interval_ms"] = 0.5, 21.0
    assert "to 0.50 times at 21.0 ms (a supernormal phase)" in ex.finding_fn(s2)
    s2["supernormal_ratio"] = 1.0
    assert "supernormal" not in ex.finding_fn(s2)
    s3 = copy.deepcopy(cold[0].summary)
    s3["relative_refractory_ms"] = None
    assert "still needs more current than at rest at the longest interval" in ex.finding_fn(s3)
    s4 = copy.deepcopy(cold[0].summary)
    s4["threshold_ratio_first_rel"] = None
    assert "at least that" in ex.finding_fn(s4)
    s5 = copy.deepcopy(cold[0].summary)
    s5["absolute_refractory_ms"], s5["threshold_ratio_first_rel"] = 0.0, 1.01
    text = ex.finding_fn(s5)
    assert "no absolute refractory period" in text and "no relative refractory period" in text


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"max_ratio must be in \[2, 12\]"):
        get("refractory-periods").run(max_ratio=50.0)
    with pytest.raises(RanvierError, match=r"temperature_degC must be in \[0, 20\]"):
        get("refractory-periods").run(temperature_degC=37.0)
    with pytest.raises(RanvierError, match=r"Did you mean 'pulse_ms'"):
        get("refractory-periods").run(pulse_mss=0.5)


def test_catalogue_lists_it():
    assert "refractory-periods" in catalogue()
