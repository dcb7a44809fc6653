"""ions-of-the-spike: Na+ carries the early current and the upstroke, K+ the late current and repolarisation."""

from __future__ import annotations

import copy

import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get

NAME = "ions-of-the-spike"


@pytest.fixture(scope="module")
def ran():
    return get(NAME).run()


def test_voltage_clamp_dissection(ran):
    o, text = ran
    s = o.summary
    # Hodgkin & Huxley 1952 (J Physiol 116:449 and 117:500): a step to about 0 mV at 6.3 degC gives an early
    # inward Na+ current of order 1-2 mA/cm2 peaking within ~1 ms, then a sustained outward K+ current.
    assert s["vc_early_ion"] == "Na+" and s["vc_early_i_mA_cm2"] < 0
    assert -3.0 < s["vc_peak_na_mA_cm2"] < -0.5
    assert 0.2 < s["vc_t_peak_na_ms"] < 1.5
    assert s["vc_late_ion"] == "K+" and s["vc_late_i_mA_cm2"] > 0
    assert 0.5 < s["vc_late_k_mA_cm2"] < 4.0
    assert abs(s["vc_late_na_mA_cm2"]) < 0.1 * s["vc_late_k_mA_cm2"]  # Na+ has inactivated by the end
    assert "early current carried mainly by Na+ (inward" in text and "late current carried mainly by K+ (outward" in text


def test_current_clamp_ions_and_charge(ran):
    o, text = ran
    s = o.summary
    assert s["upstroke_ion"] == "Na+" and s["upstroke_i_na_mA_cm2"] < 0  # inward Na+ drives the upstroke
    assert s["repolarisation_ion"] == "K+" and s["repolarisation_i_k_mA_cm2"] > 0  # outward K+ repolarises
    assert 20.0 < s["peak_mV"] < 50.0  # overshoot towards E_Na = +50 mV (HH 1952 Fig. 12)
    # charge: at least C*dV (about 0.1 uC/cm2 for a 100 mV spike); HH 1952 computed 4.33 pmol/cm2 of Na+ per
    # impulse at 18.5 degC and Keynes & Lewis 1951 (J Physiol 114:151) measured 3-4 pmol/cm2; at 6.3 degC the
    # slower Na+ inactivation lets Na+ and K+ currents overlap longer, so the entry is several-fold larger.
    assert s["na_charge_uC_cm2"] < 0 < s["k_charge_uC_cm2"]
    assert 3.0 < s["na_entry_pmol_cm2"] < 30.0
    assert s["na_charge_ratio"] > 1.0
    # back at rest the membrane's charge is unchanged: K+ out balances Na+ in (Keynes & Lewis 1951)
    assert s["k_charge_uC_cm2"] == pytest.approx(-s["na_charge_uC_cm2"], rel=0.1)
    # Na+ moves first: its current and conductance rise before K+'s (HH 1952 part IV)
    assert s["first_ion"] == "Na+" and s["t_half_na_ms"] < s["t_half_k_ms"]
    assert s["t_peak_gna_ms"] < s["t_peak_gk_ms"]
    assert f"{s['na_charge_uC_cm2']:+.3f} uC/cm2" in text and "Na+ moves first" in text


def test_finding_follows_altered_numbers(ran):
    o, _ = ran
    ex = get(NAME)
    s2 = copy.deepcopy(o.summary)
    s2["upstroke_ion"], s2["repolarisation_ion"] = "K+", "Na+"
    s2["na_charge_uC_cm2"] = -0.2468
    s2["t_half_na_ms"], s2["t_half_k_ms"], s2["first_ion"] = 5.0, 4.0, "K+"
    text = ex.finding_fn(s2)
    assert "upstroke is driven by K+" in text and "repolarisation is driven by Na+" in text
    assert "-0.247 uC/cm2" in text and "K+ moves first" in text
    s3 = copy.deepcopy(o.summary)
    s3["na_charge_ratio"] = 0.8
    assert "overlap" not in ex.finding_fn(s3)


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"vc_command_mV must be in \[-40, 40\]"):
        get(NAME).run(vc_command_mV=100.0)
    with pytest.raises(RanvierError, match=r"Did you mean 'stim_nA'"):
        get(NAME).run(stim_na=1.0)


def test_catalogue_lists_it():
    assert NAME in catalogue()
