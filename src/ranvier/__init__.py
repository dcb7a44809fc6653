"""ranvier: the neuron action potential from physics, compiled.

The public API is re-exported here; everything else is internal.
"""

__version__ = "0.1.0"

from ranvier.cell import Cell, Paint
from ranvier.errors import RanvierError, SimulationError
from ranvier.ions import (
    Concentrations,
    ghk_current_density_mA_cm2,
    ghk_voltage_mV,
    nernst_mV,
    resting_potential_mV,
)
from ranvier.mechanisms import (
    CATALOGUE,
    Channel,
    Constant,
    Exp,
    Gate,
    Linoid,
    Sigmoid,
    hh_k,
    hh_leak,
    hh_na,
    ion_leak,
    leak,
    tm_kd,
    tm_na,
)
from ranvier.mechanisms.library.reuveni1993 import hva_ca
from ranvier.mechanisms.receptors import AMPA, GABA_A, NMDA, RECEPTORS, MgBlock, Receptor
from ranvier.interop.nwb import to_nwb
from ranvier.morphology import Discretization, Morphology, Section, binary_tree, cable, soma_dendrites_axon
from ranvier.probe import Probe
from ranvier.result import load, save
from ranvier.simulation import Simulation, simulate
from ranvier.site import Site
from ranvier.stimulus import CurrentClamp, VoltageClamp, Waveform
from ranvier.synapse import CalciumPool, Release, SpikeTrain, Synapse, Terminal

__all__ = [
    "AMPA", "GABA_A", "NMDA", "RECEPTORS", "CalciumPool", "MgBlock", "Receptor", "Release", "SpikeTrain", "Synapse",
    "Terminal", "hva_ca",
    "CATALOGUE", "Cell", "Channel", "Concentrations", "Constant", "CurrentClamp", "Discretization", "Exp", "Gate",
    "Linoid", "Morphology", "Paint", "Probe", "RanvierError", "Section", "Sigmoid", "Simulation", "SimulationError",
    "Site", "VoltageClamp", "Waveform", "binary_tree", "cable", "ghk_current_density_mA_cm2", "ghk_voltage_mV",
    "hh_k", "hh_leak", "hh_na", "ion_leak", "leak", "load", "nernst_mV", "resting_potential_mV", "save", "simulate",
    "soma_dendrites_axon", "tm_kd", "tm_na", "to_nwb",
]
