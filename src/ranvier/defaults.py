"""The built-in default neuron and protocol that ``ranvier run`` simulates with no arguments.

A cylindrical soma with two passive-leaning dendrites and an unmyelinated axon, at
37 degC, with mammalian Na+ and K+ channels (Pospischil et al. 2008) on the soma and
axon and an ion-specific leak everywhere; every reversal potential comes from the
default concentrations (Nernst), so the resting potential is computed, not typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ranvier.cell import Cell, Paint
from ranvier.ions import Concentrations
from ranvier.mechanisms.library.passive import ion_leak
from ranvier.mechanisms.library.pospischil2008 import traub_miles_kd, traub_miles_na
from ranvier.morphology.builders import soma_dendrites_axon
from ranvier.morphology.discretize import Discretization
from ranvier.probe import Probe
from ranvier.simulation import Simulation
from ranvier.site import Site
from ranvier.stimulus import CurrentClamp

AXON_A = Site("axon", 0.25)
AXON_B = Site("axon", 0.75)
SOMA = Site("soma", 0.5)
DEND = Site("dend0", 0.5)


@dataclass(frozen=True)
class DefaultSettings:
    """Parameters of the default run (units in the names)."""

    temperature_degC: float = 37.0
    stim_amp_nA: float = 0.3
    stim_delay_ms: float = 5.0
    stim_duration_ms: float = 40.0
    tstop_ms: float = 50.0
    dt_ms: float = 0.025
    method: str = "cn"
    axon_diam_um: float = 1.0
    axon_length_um: float = 2000.0
    gna_S_cm2: float = 0.056
    gk_S_cm2: float = 0.006


def default_cell(settings: DefaultSettings = DefaultSettings(), concentrations: Concentrations | None = None) -> Cell:
    morph = soma_dendrites_axon(axon_diam_um=settings.axon_diam_um, axon_length_um=settings.axon_length_um)
    return Cell(
        morph,
        mechanisms=[
            Paint(traub_miles_na(gbar_S_cm2=settings.gna_S_cm2), ("soma", "axon")),
            Paint(traub_miles_kd(gbar_S_cm2=settings.gk_S_cm2), ("soma", "axon")),
            *ion_leak(1e-4),
        ],
        concentrations=concentrations or Concentrations(),
        temperature_degC=settings.temperature_degC,
        discretization=Discretization(d_lambda=0.1, max_length_um=20.0),
        name="default",
    )


def default_simulation(settings: DefaultSettings = DefaultSettings(), concentrations: Concentrations | None = None) -> Simulation:
    cell = default_cell(settings, concentrations)
    return Simulation(
        cell,
        stimuli=[CurrentClamp.step(SOMA, settings.stim_amp_nA, settings.stim_delay_ms, settings.stim_duration_ms)],
        probes=[Probe(SOMA), Probe(DEND, ("v",)), Probe(AXON_A), Probe(AXON_B)],
        tstop_ms=settings.tstop_ms,
        dt_ms=settings.dt_ms,
        method=settings.method,
    )
