"""The seed circuit (work in progress): the first spike's path from synapses to the next neuron."""

from __future__ import annotations

import numpy as np
import pytest

from ranvier.analysis import spike_times
from ranvier.seed import SeedSettings, seed_circuit


@pytest.fixture(scope="module")
def run():
    sim, sites = seed_circuit(SeedSettings())
    return sim.run(), sites


def _onset(res, site, dvdt=20.0):
    v = res.v.sel(site=site.label).values
    t = res.time.values
    d = np.gradient(v, t)
    return t[np.argmax(d > dvdt)] if (d > dvdt).any() else np.inf


def test_rest_is_computed_and_physiological(run):
    res, sites = run
    # cortical pyramids: means -61.5 to -73.0 mV (Tanaka YR et al. 2011, J Neurosci 31:18223, Table 3)
    assert -75.0 <= float(res.v_rest_mV.sel(site=sites["soma"].label)) <= -60.0


def test_synaptic_input_starts_the_spike_in_the_ais(run):
    res, sites = run
    t_ais = _onset(res, sites["ais"])
    assert np.isfinite(t_ais)
    assert t_ais < _onset(res, sites["soma"]) < _onset(res, sites["dendrite"])


def test_the_spike_reaches_the_terminal_and_the_next_neuron_answers_after_a_synaptic_delay(run):
    res, sites = run
    t = res.time.values
    t_term = spike_times(t, res.v.sel(site=sites["terminal"].label).values)[0]
    assert float(res.ca_i_mM.sel(site=sites["terminal"].label).max()) > 1e-3  # > 1 uM of Ca2+ entered
    t_b = _onset(res, sites["b_dendrite"], dvdt=1.0)  # the EPSP rises in neuron B's dendrite
    assert 0.3 <= t_b - t_term <= 3.0
