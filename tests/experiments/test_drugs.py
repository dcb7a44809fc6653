"""drugs: TTX abolishes, TEA broadens, 4-AP excites, lidocaine use-dependent and fibre-selective; text follows numbers."""

from __future__ import annotations

import copy
import json

import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get
from ranvier.experiments.drugs import unblocked


@pytest.fixture(scope="module")
def outcome():
    return get("drugs").run(train_pulses=12, bisection_steps=5)


def test_hill_isotherm_halves_at_ic50():
    assert unblocked("ttx", 5e-6) == pytest.approx(0.5)  # TTX Kd 1-10 nM (Hille 2001, ch. 17)
    assert unblocked("tea", 50.0) < 0.1


def test_ttx_abolishes_and_tea_and_4ap_are_distinguishable(outcome):
    s = outcome[0].summary
    assert s["control"]["n_spikes"] >= 1 and s["control"]["peak_mV"] > 30.0
    assert 0.3 < s["control"]["half_width_ms"] < 1.5  # fast mammalian spike, < 1-2 ms
    assert s["ttx"]["n_spikes"][-1] == 0  # 1 uM TTX, 200 x IC50: no spike
    assert s["ttx"]["peak_mV"][-1] < 0.0
    # TEA blocks Kv3, which repolarises the spike: the spike widens (Rudy & McBain 2001, Trends Neurosci 24:517);
    # 4-AP at these doses blocks Kv1 (D-type), which opens below threshold: the cell fires sooner and more, with
    # little change in width (Storm 1988, Nature 336:379). Issue 13 bar: the two are distinguishable.
    # (The old bars, both > 1.5 x wider, encoded one shared K+ channel.)
    c, tea, fap = s["control"], s["tea"], s["4ap"]
    w_tea = tea["half_width_ms"][-1] / c["half_width_ms"]
    w_4ap = fap["half_width_ms"][-1] / c["half_width_ms"]
    assert w_tea > 1.2, f"TEA widening {w_tea:.2f} x"
    assert w_4ap < 1.1, f"4-AP widening {w_4ap:.2f} x"
    assert fap["n_spikes"][-1] > c["n_spikes"] or fap["latency_ms"][-1] < 0.8 * c["latency_ms"], (fap, c)
    assert abs(tea["latency_ms"][-1] - c["latency_ms"]) < 0.1 * c["latency_ms"], (tea["latency_ms"], c["latency_ms"])


def test_lidocaine_is_use_dependent_and_fibre_selective(outcome):
    s = outcome[0].summary
    assert 0.05 < s["lidocaine_tonic_block"] < 0.6  # K_R ~ 440 uM (Bean, Cohen & Tsien 1983)
    lo, hi = s["train_block"]
    assert hi > lo + 0.1  # block grows with stimulation frequency
    c_thin, c_thick = s["blocking_conc_mM"]
    assert c_thin is not None and (c_thick is None or c_thin < c_thick)


def test_summary_is_strict_json(outcome):
    json.dumps(outcome[0].summary, allow_nan=False)


def test_finding_follows_altered_numbers(outcome):
    o, text = outcome
    s = o.summary
    assert f"{100 * s['train_block'][1]:.1f} %" in text and "grows with frequency" in text
    assert "thin fibre blocks at a lower concentration" in text
    s2 = copy.deepcopy(s)
    s2["train_block"] = [0.8, 0.3]
    s2["blocking_conc_mM"] = [5.0, 2.0]
    t2 = get("drugs").finding_fn(s2)
    assert "does not grow with frequency" in t2 and "30.0 %" in t2
    assert "thick fibre blocks at a lower concentration" in t2 and "2.00 mM" in t2
    s2["blocking_conc_mM"] = [None, None]
    assert "neither blocks" in get("drugs").finding_fn(s2)


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"lidocaine_uM must be in"):
        get("drugs").run(lidocaine_uM=1e6)
    with pytest.raises(RanvierError, match="must exceed"):
        get("drugs").run(low_rate_hz=50.0, high_rate_hz=10.0)
    assert "drugs" in catalogue()
