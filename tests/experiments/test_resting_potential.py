"""resting-potential: GHK rest near -65 mV, Nernstian slope only at high K+, text follows numbers."""

from __future__ import annotations

import copy

import pytest

from ranvier.experiments import catalogue, get
from ranvier.errors import RanvierError


def test_rest_and_k_dependence_are_physiological():
    o, text = get("resting-potential").run()
    s = o.summary
    assert -70.0 <= s["resting_potential_mV"] <= -60.0  # a mammalian neuron (Hille 2001, ch. 1)
    assert s["slope_low_k_mV_per_decade"] < 0.5 * s["nernst_slope_mV_per_decade"]  # shallow at low K+
    assert s["slope_high_k_mV_per_decade"] > 0.8 * s["nernst_slope_mV_per_decade"]  # near Nernst at high K+
    assert f"{s['resting_potential_mV']:.1f} mV" in text


def test_finding_follows_altered_numbers():
    o, _ = get("resting-potential").run()
    ex = get("resting-potential")
    s2 = copy.deepcopy(o.summary)
    s2["resting_potential_mV"] = 40.0  # a made-up value nearer E_Na
    text = ex.finding_fn(s2)
    assert "40.0 mV" in text and "closer to E_Na than to E_K" in text
    s3 = copy.deepcopy(o.summary)
    s3["slope_high_k_mV_per_decade"], s3["slope_low_k_mV_per_decade"] = 5.0, 60.0
    assert "further from" in ex.finding_fn(s3)


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"k_out_mM must be in \[0.5, 150\]"):
        get("resting-potential").run(k_out_mM=900.0)
    with pytest.raises(RanvierError, match=r"Did you mean 'k_out_mM'"):
        get("resting-potential").run(k_outt_mM=5.0)


def test_catalogue_lists_it():
    assert "resting-potential" in catalogue()
