"""One brief stimulus, one action potential: fibres do not fire repetitively on their own."""

from __future__ import annotations

import ranvier as rv
from ranvier import myelin
from ranvier.analysis import spike_times


def test_a_myelinated_fibre_answers_one_brief_stimulus_with_exactly_one_spike():
    # With Nernst potentials instead of the MRG paper's fixed ENa = 50 / EK = -90 mV, this
    # fibre fired four spikes for one stimulus; the published parameter set fires one.
    ax = myelin.myelinated_axon(4.0, 11)
    sim = rv.Simulation(ax.cell(), stimuli=[rv.CurrentClamp.step(rv.Site(ax.node_names[0], 0.5), 2.0, 2.0, 0.1)],
                        probes=[rv.Probe(rv.Site(n, 0.5), ("v",)) for n in (ax.node_names[0], ax.node_names[-1])],
                        tstop_ms=30.0, dt_ms=0.005)
    res = sim.run()
    for k in range(2):
        assert len(spike_times(res.time.values, res.v[k].values)) == 1
