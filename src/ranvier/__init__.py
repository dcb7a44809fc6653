"""ranvier: the neuron action potential from physics, compiled.

The public API is re-exported here; everything else is internal. The names are imported
on first use (PEP 562), so ``import ranvier`` and the command line start without loading
numba, xarray or matplotlib.
"""

__version__ = "0.1.0"

import importlib
import importlib.util
from typing import TYPE_CHECKING

_EXPORTS = {
    "Cell": "ranvier.cell",
    "Paint": "ranvier.cell",
    "PhysiologyWarning": "ranvier.errors",
    "RanvierError": "ranvier.errors",
    "SimulationError": "ranvier.errors",
    "Concentrations": "ranvier.ions",
    "ghk_current_density_mA_cm2": "ranvier.ions",
    "ghk_voltage_mV": "ranvier.ions",
    "nernst_mV": "ranvier.ions",
    "resting_potential_mV": "ranvier.ions",
    "CATALOGUE": "ranvier.mechanisms",
    "Channel": "ranvier.mechanisms",
    "Constant": "ranvier.mechanisms",
    "Exp": "ranvier.mechanisms",
    "Gate": "ranvier.mechanisms",
    "Linoid": "ranvier.mechanisms",
    "Sigmoid": "ranvier.mechanisms",
    "hh_k": "ranvier.mechanisms",
    "hh_leak": "ranvier.mechanisms",
    "hh_na": "ranvier.mechanisms",
    "ion_leak": "ranvier.mechanisms",
    "leak": "ranvier.mechanisms",
    "tm_kd": "ranvier.mechanisms",
    "tm_na": "ranvier.mechanisms",
    "hva_ca": "ranvier.mechanisms.library.reuveni1993",
    "AMPA": "ranvier.mechanisms.receptors",
    "GABA_A": "ranvier.mechanisms.receptors",
    "NMDA": "ranvier.mechanisms.receptors",
    "RECEPTORS": "ranvier.mechanisms.receptors",
    "MgBlock": "ranvier.mechanisms.receptors",
    "Receptor": "ranvier.mechanisms.receptors",
    "Discretization": "ranvier.morphology",
    "Morphology": "ranvier.morphology",
    "Section": "ranvier.morphology",
    "binary_tree": "ranvier.morphology",
    "cable": "ranvier.morphology",
    "soma_dendrites_axon": "ranvier.morphology",
    "Probe": "ranvier.probe",
    "load": "ranvier.result",
    "save": "ranvier.result",
    "Simulation": "ranvier.simulation",
    "simulate": "ranvier.simulation",
    "Site": "ranvier.site",
    "CurrentClamp": "ranvier.stimulus",
    "VoltageClamp": "ranvier.stimulus",
    "Waveform": "ranvier.stimulus",
    "compile_messages": "ranvier.progress",
    "CalciumPool": "ranvier.synapse",
    "Release": "ranvier.synapse",
    "SpikeTrain": "ranvier.synapse",
    "Synapse": "ranvier.synapse",
    "Terminal": "ranvier.synapse",
    "to_nwb": "ranvier.interop.nwb",
}

# rv.sweep is the package ranvier.sweep, callable: rv.sweep(target, points, ...) (reached by __getattr__)
__all__ = sorted([*_EXPORTS, "sweep"])


def __getattr__(name: str):
    if name not in _EXPORTS:  # a submodule used as an attribute (rv.myelin, rv.experiments)
        if importlib.util.find_spec(f"ranvier.{name}") is None:
            raise AttributeError(f"module 'ranvier' has no attribute {name!r}")
        return importlib.import_module(f"ranvier.{name}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # static checkers and IDEs see the real imports
    from ranvier.cell import Cell, Paint
    from ranvier.errors import PhysiologyWarning, RanvierError, SimulationError
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
    from ranvier.morphology import Discretization, Morphology, Section, binary_tree, cable, soma_dendrites_axon
    from ranvier.probe import Probe
    from ranvier.result import load, save
    from ranvier.simulation import Simulation, simulate
    from ranvier.site import Site
    from ranvier.stimulus import CurrentClamp, VoltageClamp, Waveform
    from ranvier.progress import compile_messages
    from ranvier.interop.nwb import to_nwb
    from ranvier.synapse import CalciumPool, Release, SpikeTrain, Synapse, Terminal
