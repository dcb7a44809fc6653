"""hyperkalaemia / hypokalaemia: rest follows external K+, threshold shifts, severe K+ blocks firing."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get


@pytest.fixture(scope="module")
def hyper():
    return get("hyperkalaemia").run()


@pytest.fixture(scope="module")
def hypo():
    return get("hypokalaemia").run()


def test_hyperkalaemia_depolarises_and_shifts_threshold(hyper):
    o, text = hyper
    s = o.summary
    rest = np.array(s["v_rest_mV"])
    assert s["k_out_mM"][0] == 4.0 and s["k_out_mM"][-1] == 10.0
    assert np.all(np.diff(rest) > 0) and s["rest_monotonic"]  # rest rises monotonically with K+
    # 4 -> 10 mM K+ depolarises mammalian neurons by roughly 10-25 mV: E_K moves by 61.5*log10(2.5) = 24.5 mV
    # and rest follows it less than fully because of the Na+/Cl- leak (Hodgkin & Katz 1949, J Physiol 108:37;
    # Somjen 2002, Neuroscientist 8:254 on raised K+ in brain tissue)
    assert 10.0 < s["rest_change_mV"] < 24.5
    assert -80.0 < rest[0] < -65.0  # rest at normal K+ (Hille 2001, ch. 1)
    h = np.array(s["na_available"])
    assert np.all(np.diff(h) < 0)  # Na+ inactivation at rest grows with depolarisation
    # mammalian Nav inactivation (midpoint about -60 mV): at 10 mM K+ only part of the channels stay available
    # (physiology review 2026-12-01 item 1; Krishnan AV et al. (2005) Brain 128:2164)
    assert h[-1] < 0.75, f"Na+ availability at 10 mM K+: {h[-1]:.3f}"
    # the measured threshold shift is reported: moderate hyperkalaemia brings rest nearer threshold, lowering the
    # current needed (hyperexcitability before block; Somjen 2002)
    assert s["threshold_shift_percent"] < -20.0
    assert f"{abs(s['threshold_shift_percent']):.1f}%" in text
    # severe hyperkalaemia: depolarised rest with most Na+ channels inactivated -> the 4 mM test pulse fails
    assert s["test_fires"][0]
    # issue 13 bar: in 20 mM K+ the cell rests within 15 mV of E_K, most Na+ channels inactivated (the old
    # bar "rest > -40 mV" encoded the Traub-Miles cell's -18 mV, 34 mV above E_K, held by Na+ window current)
    assert 0.0 < s["severe_v_rest_mV"] - s["severe_e_k_mV"] < 15.0, (s["severe_v_rest_mV"], s["severe_e_k_mV"])
    assert s["severe_na_available"] < 0.2
    assert not s["severe_fires"] and "depolarisation block" in text
    assert f"{rest[-1]:.1f} mV" in text


def test_hypokalaemia_hyperpolarises_and_raises_threshold(hypo):
    o, text = hypo
    s = o.summary
    rest = np.array(s["v_rest_mV"])
    assert s["k_out_mM"][-1] == 2.0
    assert np.all(np.diff(rest) < 0)  # lower K+ -> more negative rest
    assert -20.0 < s["rest_change_mV"] < -5.0  # E_K moves by -18.5 mV from 4 to 2 mM at 37 degC
    assert s["threshold_shift_percent"] > 10.0  # less excitable (hypokalaemic weakness; Kardalas 2018 Endocr Connect 7:R135)
    assert not s["test_fires"][-1]
    assert "hyperpolarises" in text and f"{s['threshold_shift_percent']:.1f}%" in text


def test_finding_follows_altered_numbers(hyper, hypo):
    ex = get("hyperkalaemia")
    s2 = copy.deepcopy(hyper[0].summary)
    s2["threshold_shift_percent"] = 37.5
    s2["severe_fires"] = True
    s2["v_rest_mV"][-1] = -80.0
    text = ex.finding_fn(s2)
    assert "rises by 37.5%" in text and "less excitable" in text
    assert "depolarisation block" not in text and "still fires it" in text
    assert "hyperpolarises" in text and "-80.0 mV" in text
    s3 = copy.deepcopy(hypo[0].summary)
    s3["test_fires"][-1] = True
    s3["threshold_shift_percent"] = -12.25
    t3 = get("hypokalaemia").finding_fn(s3)
    assert "still fires" in t3 and "falls by 12.2%" in t3


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"k_high_mM must be in \[5, 15\]"):
        get("hyperkalaemia").run(k_high_mM=30.0)
    with pytest.raises(RanvierError, match=r"k_low_mM must be in \[1, 3.5\]"):
        get("hypokalaemia").run(k_low_mM=0.1)
    with pytest.raises(RanvierError, match=r"Did you mean 'pulse_ms'"):
        get("hypokalaemia").run(puls_ms=1.0)


def test_catalogue_lists_them():
    assert {"hyperkalaemia", "hypokalaemia"} <= set(catalogue())
