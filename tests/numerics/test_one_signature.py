"""Every model lowers to kernel arguments of one numba type, so a new model shape loads the
compiled kernels from the cache instead of compiling them again (issue 10: a cell with no
mechanisms compiled for 40 s because an empty conductance sum came out as int64)."""

from __future__ import annotations

import numba
import pytest

import ranvier as rv


def _cable(mechanisms, **kw):
    return rv.Cell(rv.cable(length_um=100.0, diam_um=2.0), mechanisms=mechanisms, **kw)


def _models():
    stim = [rv.CurrentClamp.step(rv.Site("cable", 0.0), 0.5, 1.0, 0.5)]
    probe = [rv.Site("cable", 0.5)]
    hh = [rv.hh_na, rv.hh_k, rv.hh_leak]
    yield "squid HH cable", rv.Simulation(_cable(hh), stimuli=stim, probes=probe, tstop_ms=1.0)
    yield "no mechanisms at all", rv.Simulation(_cable([]), stimuli=stim, probes=probe, tstop_ms=1.0)
    yield "leak only, no stimulus", rv.Simulation(_cable([rv.hh_leak]), probes=probe, tstop_ms=1.0)
    yield "a batch of three cells", rv.Simulation([_cable(hh) for _ in range(3)], stimuli=stim, probes=probe,
                                                  tstop_ms=1.0)
    yield "GHK Ca2+ channel and a Ca2+ pool", rv.Simulation(
        _cable([*hh, rv.hva_ca, rv.CalciumPool()]), stimuli=stim, probes=[rv.Probe(probe[0], ("v", "i_ca"))],
        tstop_ms=1.0)
    yield "voltage clamp", rv.Simulation(_cable(hh), stimuli=[rv.VoltageClamp.steps(rv.Site("cable", 0.5), -65.0, 0.0, 0.2, 0.5)],
                                         probes=probe, tstop_ms=1.0)
    yield "AMPA synapse from a spike train", rv.Simulation(
        _cable(hh), probes=probe, tstop_ms=1.0,
        synapses=[rv.Synapse(rv.AMPA, rv.Site("cable", 0.5), 0.001, rv.SpikeTrain((0.2,)))])


def _kernel_types(sim):
    _, model, _, _, tabs, _, _ = sim.prepare()
    return {f: numba.typeof(a) for f, a in zip(model._fields, model)}, numba.typeof(tabs)


def test_every_model_kind_has_the_kernel_argument_types_of_the_squid_cable():
    models = list(_models())
    ref_fields, ref_tabs = _kernel_types(models[0][1])
    for name, sim in models[1:]:
        fields, tabs = _kernel_types(sim)
        differ = {f: (ref_fields[f], t) for f, t in fields.items() if t != ref_fields[f]}
        assert not differ, f"{name}: fields typed differently from the squid cable: {differ}"
        assert tabs == ref_tabs, f"{name}: rate tables typed {tabs}, not {ref_tabs}"
