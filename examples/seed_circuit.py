"""The neuron, end to end, in a few lines of the public API (what `ranvier run` does).

Run: python examples/seed_circuit.py [report.html]
"""

import sys

from ranvier.circuit_summary import format_circuit_summary, summarize_circuit
from ranvier.seed import SeedSettings, seed_circuit

settings = SeedSettings(fiber_diam_um=4.0, temperature_degC=37.0)  # every parameter has a default
sim, sites = seed_circuit(settings)           # neuron A (synapses, AIS, myelinated axon, terminal) -> neuron B
result = sim.run()                            # xarray Dataset: v, per-ion currents, gates, Ca2+ at the terminal
summary = summarize_circuit(result, sites, sim.cells[0].reversal_potentials_mV(), settings.fiber_diam_um)
print(format_circuit_summary(summary))

if len(sys.argv) > 1:
    from ranvier.report import provenance_from, voltage_traces, write_report

    fig = voltage_traces(result, [sites["dendrite"], sites["ais"], sites["terminal"], sites["b_soma"]])
    write_report(sys.argv[1], "seed circuit", summary, [("From dendrite to the next neuron", fig)],
                 provenance_from(result))
