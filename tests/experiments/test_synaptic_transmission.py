"""synaptic-transmission: Ca2+ entry drives release, low Ca2+ shrinks it steeply, Mg2+ blocks NMDA."""

from __future__ import annotations

import copy

import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get


@pytest.fixture(scope="module")
def outcome():
    return get("synaptic-transmission").run()


def test_transmission_is_physiological(outcome):
    s = outcome[0].summary
    assert s["terminal_peak_mV"] > 0.0
    assert 1.0 < s["ca_i_peak_uM"][-1] < 100.0  # terminal Ca2+ reaches ~uM-10s of uM (Bollmann et al. 2000)
    assert 0.3 <= s["synaptic_delay_ms"] <= 3.0  # Katz & Miledi: 0.5-1 ms at warm synapses, < 3 ms
    ca_i, ampa = s["ca_i_peak_uM"], s["ampa_open_peak"]
    assert all(b > a for a, b in zip(ca_i, ca_i[1:]))  # more external Ca2+, more entry
    assert all(b > a for a, b in zip(ampa, ampa[1:]))  # and more release
    assert s["release_log_slope_low_ca"] > 1.0  # supralinear (Dodge & Rahamimoff 1967)
    assert s["epsp_no_mg_mV"] > 1.1 * s["epsp_mg_mV"]  # NMDA Mg2+ block relieved (Jahr & Stevens 1990)


def test_finding_follows_altered_numbers(outcome):
    o, text = outcome
    s = o.summary
    assert f"{s['ca_i_peak_uM'][-1]:.2f} uM" in text and "Mg2+ blocks NMDA" in text
    s2 = copy.deepcopy(s)
    s2["epsp_no_mg_mV"] = s2["epsp_mg_mV"] - 1.0
    s2["ampa_open_peak"] = list(reversed(s2["ampa_open_peak"]))
    t2 = get("synaptic-transmission").finding_fn(s2)
    assert "no sign of an NMDA Mg2+ block" in t2 and "does not fall monotonically" in t2


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"mg_out_mM must be in"):
        get("synaptic-transmission").run(mg_out_mM=100.0)
    assert "synaptic-transmission" in catalogue()
