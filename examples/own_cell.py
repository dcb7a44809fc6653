"""Bring your own neuron: a reconstructed pyramidal cell, channels from .mod files, a spike, an NWB file.

Run: python examples/own_cell.py [report.html]

The morphology is a layer 5 pyramidal cell with its axon (SWC, tests/data/swc); the Na+
and K+ channels are NEURON .mod files of Hay et al. (2011, PLoS Comput Biol 7:e1002107)
read with no compile step; the densities are Hay et al.'s somatic and axonal values. The
soma is stimulated, the spike is recorded at the soma and 300 um along the axon, and the
recordings are saved to NWB (and an HTML report when a path is given).
"""

import sys
import tempfile
import warnings
from pathlib import Path

import ranvier as rv
from ranvier.analysis.spikes import spike_times
from ranvier.morphology import Discretization, SwcWarning, read_swc

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"

# 1. the morphology: checked, read and cut into pieces of at most 0.1 length constant (d_lambda rule)
with warnings.catch_warnings(record=True) as fixed:
    warnings.simplefilter("always", SwcWarning)
    neuron = read_swc(DATA / "swc" / "l5_pyramidal_with_axon.swc")
rule = Discretization(d_lambda=0.1)
morph = neuron.to_morphology(rule, Ra_ohm_cm=100.0)
print(f"morphology: {len(neuron.sections)} SWC sections {neuron.counts()}, {neuron.total_length_um:.0f} um of neurites, "
      f"{neuron.neurite_area_um2 + neuron.soma_area_um2:.0f} um2 of membrane, {len(morph.sections)} compartments")
for w in fixed:
    print(f"  reader: {w.message}")

# 2. the channels: NMODL files become ranvier channels (one per current the file writes)
(nat,) = rv.Channel.from_nmodl(DATA / "mod" / "arbor" / "bbp_NaTa_t.mod")
(kv3,) = rv.Channel.from_nmodl(DATA / "mod" / "arbor" / "bbp_SKv3_1.mod")
(im,) = rv.Channel.from_nmodl(DATA / "mod" / "arbor" / "bbp_Im.mod")
print(f"channels from .mod files: {nat.name} (gates {[g.name for g in nat.gates]}), {kv3.name}, {im.name}")

mechanisms = [
    (rv.leak(3e-5, -75.0), "all"),                      # Hay et al. 2011: g_pas 3e-5 S/cm2, e_pas -75 mV
    (nat.with_(gbar_S_cm2=2.04), "soma"), (kv3.with_(gbar_S_cm2=0.693), "soma"),
    (nat.with_(gbar_S_cm2=3.137), "axon"), (kv3.with_(gbar_S_cm2=1.0), "axon"),
    (im.with_(gbar_S_cm2=1e-4), "apic"),
]
cell = rv.Cell(morph, mechanisms=mechanisms, temperature_degC=34.0, reversal_mV={"na": 50.0, "k": -85.0},
               discretization=rule, name="L5 pyramidal cell")

# 3. an axon site about 300 um from the soma along the axon
dist = {"soma": 0.0}
for s in neuron.sections:
    dist[s.name] = dist[s.parent] + s.length_um  # path length to the section's far end
axon_name = min((s.name for s in neuron.sections if s.group == "axon"), key=lambda n: abs(dist[n] - 300.0))
axon_site = neuron.site(axon_name, 1.0, discretization=rule, Ra_ohm_cm=100.0)
soma_site = rv.Site("soma")

sim = rv.Simulation(cell, (rv.CurrentClamp.step(soma_site, 1.5, 2.0, 3.0),),
                    (soma_site, rv.Probe(axon_site, ("v",))), tstop_ms=15.0)
result = sim.run()

v_soma = result.v.sel(site=soma_site.label).values
v_axon = result.v.sel(site=axon_site.label).values
t = result.time.values
t_soma, t_axon = spike_times(t, v_soma), spike_times(t, v_axon)
print(f"resting potential at the soma: {float(result.v_rest_mV.sel(site=soma_site.label)):.1f} mV")
print(f"soma: {len(t_soma)} spike(s), peak {v_soma.max():.1f} mV")
if len(t_axon):
    print(f"axon spike at {axon_name} ({dist[axon_name]:.0f} um from the soma): peak {v_axon.max():.1f} mV, "
          f"{t_axon[0] - t_soma[0]:+.2f} ms after the soma crossed -20 mV")
else:
    print(f"no axon spike at {axon_name} (peak {v_axon.max():.1f} mV)")

# 4. share it: NWB (simulated current clamp with its stimulus, the model and provenance)
out = Path(sys.argv[1]).with_suffix(".nwb") if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "own_cell.nwb"
rv.to_nwb(result, out, sim, overwrite=True)
print(f"saved NWB: {out}")

if len(sys.argv) > 1:
    from ranvier.report import provenance_from, voltage_traces, write_report
    from ranvier.report.figures import morphology as morphology_figure

    summary = {"soma_peak_mV": float(v_soma.max()), "axon_peak_mV": float(v_axon.max()),
               "axon_delay_ms": float(t_axon[0] - t_soma[0]) if len(t_axon) and len(t_soma) else float("nan")}
    figs = [("Soma and axon", voltage_traces(result, [soma_site, axon_site])),
            ("The reconstructed cell", morphology_figure(morph, [axon_site], [soma_site]))]
    write_report(sys.argv[1], "Your own neuron: L5 pyramidal cell", summary, figs, provenance_from(result))
