"""summation: EPSPs sum in time and space to threshold; a GABA-A synapse at E_Cl = rest shunts.

References: Rall 1967 (J Neurophysiol 30:1138) and Cash & Yuste 1999 (Neuron 22:383,
doi:10.1016/S0896-6273(00)81098-3) for near-linear summation of small EPSPs on separate dendrites;
Koch, Poggio & Torre 1983 (PNAS 80:2799) and Staley & Mody 1992 (J Neurophysiol 68:197) for shunting
inhibition; mammalian spike threshold ~15-25 mV above rest (Stuart et al. 1997, J Physiol 505:617).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get


@pytest.fixture(scope="module")
def base():
    return get("summation").run()


def test_temporal_summation_grows_as_the_interval_shrinks(base):
    o, text = base
    s = o.summary
    assert 0.5 < s["single_epsp_mV"] < 5.0  # one 1 nS input on a small cell: a few mV at the soma
    ivs, r = np.array(s["intervals_ms"]), np.array(s["temporal_ratio"])
    assert np.all(np.diff(ivs) < 0) and np.all(np.diff(r) > 0)  # shorter interval, larger sum
    assert r[0] < 1.1  # 50 ms apart: the first EPSP has decayed
    assert 1.8 < r[-1] <= 2.0  # coincident small inputs: nearly the arithmetic sum
    assert f"{r[0]:.2f} times" in text and f"{r[-1]:.2f} times" in text


def test_spatial_summation_and_threshold(base):
    s = base[0].summary
    assert 0.9 <= s["spatial_ratio_of_linear_sum"] <= 1.02  # separate dendrites: near-linear (Cash & Yuste 1999)
    n = s["synapses_to_threshold"]
    assert n is not None and 3 <= n <= s["max_synapses"]
    assert 10.0 <= s["subthreshold_epsp_mV"] <= 30.0  # just below threshold: 15-25 mV above rest


def test_shunting_inhibition(base):
    s = base[0].summary
    assert abs(s["e_cl_mV"] - s["rest_mV"]) < 0.1
    assert abs(s["ipsp_mV"]) < 0.1  # almost no voltage change on its own
    assert 20.0 < s["shunt_reduction_percent"] < 80.0  # yet a large cut in the coincident EPSP
    none = get("summation").run(gaba_gmax_nS=0.0, max_synapses=2)[0].summary
    assert abs(none["shunt_reduction_percent"]) < 0.5
    double = get("summation").run(gaba_gmax_nS=20.0, max_synapses=2)[0].summary
    assert double["shunt_reduction_percent"] > s["shunt_reduction_percent"]


def test_finding_follows_altered_numbers(base):
    ex = get("summation")
    s2 = copy.deepcopy(base[0].summary)
    s2["temporal_ratio"] = [1.9, 1.5, 1.2, 1.1, 1.05, 1.0]
    s2["spatial_ratio_of_linear_sum"] = 0.7
    s2["synapses_to_threshold"], s2["subthreshold_epsp_mV"] = 7, 18.25
    s2["shunt_reduction_percent"], s2["shunted_epsp_mV"] = -12.0, 3.1
    text = ex.finding_fn(s2)
    assert "the less the EPSPs sum" in text and "1.90 times" in text
    assert "70 %" in text and "sublinearly" in text
    assert "7 coincident synapses fire" in text and "6 depolarise the soma by 18.2 mV" in text
    assert "increases the EPSP" in text and "not a pure shunt" in text
    s3 = copy.deepcopy(base[0].summary)
    s3["synapses_to_threshold"] = None
    assert "did not fire" in ex.finding_fn(s3)
    s4 = copy.deepcopy(base[0].summary)
    s4["spatial_fired"], s4["pair_fired"] = True, [False, False, False, True, True, True]
    text = ex.finding_fn(s4)
    assert "beyond any summation of EPSPs" in text and "pairs 5, 2, 0 ms apart fired a spike" in text


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"ampa_gmax_nS must be in \[0.1, 10\]"):
        get("summation").run(ampa_gmax_nS=100.0)
    with pytest.raises(RanvierError, match=r"Did you mean 'gaba_gmax_nS'"):
        get("summation").run(gaba_gmax_ns=1.0)


def test_catalogue_lists_it():
    assert "summation" in catalogue()
