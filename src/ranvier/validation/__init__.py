"""Validation of ranvier against the Rallpacks (Bhalla, Bilitch & Bower 1992, Trends Neurosci 15:453).

``validate()`` runs Rallpacks 1-3 with backward Euler and Crank-Nicolson and returns a
:class:`ValidationReport` whose rows hold each error, its tolerance and NEURON 9.0.2's
value where known; ``ranvier validate`` prints it. :func:`sealed_cable_mV` is the
analytic solution used as the reference for Rallpacks 1 and 2.
"""

from ranvier.validation.analytic import cable_constants, sealed_cable_mV, sealed_cable_steady_mV
from ranvier.validation.report import CASES, TOLERANCES, ValidationReport, ValidationRow, validate

__all__ = [
    "CASES", "TOLERANCES", "ValidationReport", "ValidationRow", "cable_constants", "sealed_cable_mV",
    "sealed_cable_steady_mV", "validate",
]
