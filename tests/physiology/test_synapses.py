"""Synaptic physiology the end-to-end issue names, each measured from a run."""

from __future__ import annotations

import numpy as np
import pytest

import ranvier as rv
from ranvier.analysis import spike_times

DEND = rv.Site("dend0", 0.5)
SOMA = rv.Site("soma", 0.5)


def passive_neuron(**kw) -> rv.Cell:
    """Soma and two dendrites with only the ion-specific leak: synaptic potentials without spikes."""
    return rv.Cell(rv.soma_dendrites_axon(axon_length_um=200.0), mechanisms=[*rv.ion_leak()], **kw)


def _epsp(receptor, gmax_uS=0.002, cell=None, times=(5.0,), v_init=None, tstop=40.0, probes=(DEND, SOMA)):
    cell = cell or passive_neuron()
    syn = rv.Synapse(receptor, DEND, gmax_uS, rv.SpikeTrain(times))
    probes = [rv.Probe(s, ("v",)) for s in probes] + [rv.Probe(DEND, ("i_na", "i_k", "i_cl", "i_ca"))]
    return rv.Simulation(cell, probes=probes, synapses=[syn], tstop_ms=tstop, dt_ms=0.025,
                         v_init_mV=v_init).run()


def test_ampa_epsp_depolarises_and_decays_along_the_dendrite_to_the_soma():
    res = _epsp(rv.AMPA)
    vd = res.v.sel(site="dend0(0.5)").values
    vs = res.v.sel(site="soma(0.5)").values
    rest = vd[0]
    assert vd.max() - rest > 0.5  # an EPSP of some mV at the synapse
    assert 0 < vs.max() - rest < vd.max() - rest  # smaller by the time it reaches the soma
    # Na+ flows in through the AMPA receptor, K+ out: the current is split by ion
    d = res.sel(site="dend0(0.5)")
    k = int(np.argmax(vd))
    assert d.i_na.values[k] < 0 < d.i_k.values[k]


def test_epsps_sum_in_time():
    # small synapses (far from saturation and from the reversal potential) sum nearly linearly
    one = _epsp(rv.AMPA, gmax_uS=0.0005, times=(5.0,))
    two = _epsp(rv.AMPA, gmax_uS=0.0005, times=(5.0, 7.0))
    peak1 = one.v.sel(site="soma(0.5)").values.max()
    peak2 = two.v.sel(site="soma(0.5)").values.max()
    rest = one.v.sel(site="soma(0.5)").values[0]
    assert peak2 - rest > 1.5 * (peak1 - rest)


def test_removing_external_mg_enlarges_the_nmda_current_at_rest():
    # Jahr & Stevens 1990: at rest 1 mM Mg2+ blocks most NMDA receptors.
    with_mg = _epsp(rv.NMDA, gmax_uS=0.002)
    no_mg_cell = passive_neuron(concentrations=rv.Concentrations(mg_out_mM=0.0))
    no_mg = _epsp(rv.NMDA, gmax_uS=0.002, cell=no_mg_cell)
    dep = lambda r: (r.v.sel(site="dend0(0.5)").values - r.v.sel(site="dend0(0.5)").values[0]).max()  # noqa: E731
    assert dep(no_mg) > 3.0 * dep(with_mg)


@pytest.mark.parametrize("cl_in", [5.0, 30.0])
def test_gaba_a_hyperpolarises_or_shunts_depending_on_e_cl(cl_in):
    cell = passive_neuron(concentrations=rv.Concentrations(cl_in_mM=cl_in))
    e_cl = cell.reversal_potentials_mV()["cl"]
    res = _epsp(rv.GABA_A, gmax_uS=0.005, cell=cell)
    v = res.v.sel(site="dend0(0.5)").values
    rest = v[0]
    if e_cl < rest:  # low internal Cl-: E_Cl below rest, the IPSP hyperpolarises
        assert v.min() < rest - 0.5
    else:  # high internal Cl-: E_Cl above rest, GABA-A depolarises towards E_Cl but never past it
        assert v.max() > rest + 0.5
        assert v.max() <= e_cl + 1e-6


def _pair(terminal_perm=1e-3, ca_out=2.0):
    conc = rv.Concentrations(ca_out_mM=ca_out)
    pre = rv.Cell(rv.soma_dendrites_axon(axon_length_um=300.0),
                  mechanisms=[(rv.tm_na, ("soma", "axon")), (rv.tm_kd, ("soma", "axon")), *rv.ion_leak(),
                              (rv.hva_ca.with_(permeability_cm_s=terminal_perm), "axon"), (rv.CalciumPool(), "axon")],
                  concentrations=conc)
    post = passive_neuron()
    term = rv.Terminal(rv.Site("axon", 1.0, cell=0))
    sim = rv.Simulation([pre, post], stimuli=[rv.CurrentClamp.step(SOMA, 2.0, 2.0, 1.0)],
                        probes=[rv.Probe(rv.Site("axon", 1.0), ("v", "ca_i_mM")),
                                rv.Probe(rv.Site("dend0", 0.5, cell=1), ("v", "ampa0_r"))],
                        synapses=[rv.Synapse(rv.AMPA, rv.Site("dend0", 0.5, cell=1), 0.005, term)],
                        tstop_ms=20.0, dt_ms=0.025)
    return sim.run()


def test_terminal_spike_releases_transmitter_after_a_synaptic_delay():
    res = _pair()
    t = res.time.values
    t_term = spike_times(t, res.v.sel(site="axon(1)").values)[0]
    r = res.ampa0_r.sel(site="cell1/dend0(0.5)").values
    onset = t[np.argmax(r > 0.01 * r.max())]
    assert r.max() > 0.05
    assert 0.3 <= onset - t_term <= 3.0  # Katz & Miledi: ~0.5-1 ms at warm mammalian synapses


@pytest.mark.parametrize("block", ["no Ca2+ channels", "no external Ca2+"])
def test_without_ca_entry_there_is_no_release(block):
    res = _pair(terminal_perm=0.0) if block == "no Ca2+ channels" else _pair(ca_out=1e-6)
    r = res.ampa0_r.sel(site="cell1/dend0(0.5)").values
    v = res.v.sel(site="axon(1)").values
    assert v.max() > 0  # the presynaptic spike still arrives
    assert r.max() < 1e-3  # but nothing is released


def test_spike_train_pulses_merge_when_they_overlap():
    w = rv.SpikeTrain((1.0, 1.5, 4.0, 0.0), pulse_ms=1.0).waveform()
    t = np.array([0.5, 1.2, 2.2, 2.6, 3.9, 4.5, 5.1])
    np.testing.assert_array_equal(w(t), [1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0])
