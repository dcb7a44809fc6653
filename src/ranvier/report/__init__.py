"""Self-contained HTML reports of a simulation: measured numbers, figures, provenance.

>>> import ranvier as rv
>>> from ranvier.report import render_report, write_report, voltage_traces, provenance_from
>>> # result = rv.Simulation(...).run()
>>> # write_report("report.html", "My neuron", summary, [("V(t)", voltage_traces(result))],
>>> #              provenance_from(result))

The page needs nothing but a browser (no network); figures are inline PNGs drawn
with matplotlib (``pip install 'ranvier[plot]'``), which only the figure functions need.
"""

from ranvier.report.figures import gates, ion_currents, morphology, propagation, voltage_traces
from ranvier.report.html import flatten, provenance_from, render_report, write_report
from ranvier.report.units import format_number, split_unit

__all__ = [
    "flatten",
    "format_number",
    "gates",
    "ion_currents",
    "morphology",
    "propagation",
    "provenance_from",
    "render_report",
    "split_unit",
    "voltage_traces",
    "write_report",
]
