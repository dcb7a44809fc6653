"""Morphology: sections, trees, builders and discretisation."""

from ranvier.morphology.builders import binary_tree, cable, soma_dendrites_axon
from ranvier.morphology.discretize import Discretization, lambda_ac_um
from ranvier.morphology.section import DEFAULT_CM_UF_CM2, DEFAULT_RA_OHM_CM, Section
from ranvier.morphology.swc import SwcNeuron, SwcWarning, from_swc, read_swc
from ranvier.morphology.tree import Morphology

__all__ = [
    "DEFAULT_CM_UF_CM2",
    "DEFAULT_RA_OHM_CM",
    "Discretization",
    "Morphology",
    "Section",
    "SwcNeuron",
    "SwcWarning",
    "binary_tree",
    "cable",
    "from_swc",
    "lambda_ac_um",
    "read_swc",
    "soma_dendrites_axon",
]
