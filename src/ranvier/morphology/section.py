"""One unbranched cylinder of membrane: the unit a morphology is built from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ranvier.errors import RanvierError, check_int, check_positive, check_range
from ranvier.plausibility import check_band

DEFAULT_RA_OHM_CM = 100.0
"""Axial resistivity (ohm*cm). 100 ohm*cm is the Rallpack value and NEURON's default is 35.4;
measured mammalian values lie around 70-200 ohm*cm (Major et al. 1994, J Neurosci 14:4613)."""

DEFAULT_CM_UF_CM2 = 1.0
"""Specific membrane capacitance (uF/cm2) of a lipid bilayer (Gentet et al. 2000, Biophys J 79:314)."""


@dataclass(frozen=True)
class Section:
    """A cylinder of membrane.

    Parameters
    ----------
    name : str
        Unique name within its morphology.
    length_um : float
        Length (um), > 0.
    diam_um : float
        Diameter (um), > 0.
    parent : str or None
        Name of the section this one is attached to; None for the root.
    parent_x : float
        Where on the parent this section's 0 end attaches, as a fraction of the
        parent's length in [0, 1] (1 = the parent's far end).
    Ra_ohm_cm : float
        Axial resistivity (ohm*cm), > 0.
    cm_uF_cm2 : float
        Specific membrane capacitance (uF/cm2), > 0.
    nseg : int or None
        Number of compartments; None leaves it to the discretisation rule.
    tags : tuple of str
        Region labels ("soma", "dend", "axon", ...) used to place mechanisms.
    """

    name: str
    length_um: float
    diam_um: float
    parent: str | None = None
    parent_x: float = 1.0
    Ra_ohm_cm: float = DEFAULT_RA_OHM_CM
    cm_uF_cm2: float = DEFAULT_CM_UF_CM2
    nseg: int | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise RanvierError(f"section name must be a non-empty string, got {self.name!r}")
        where = f"section {self.name!r}: "
        object.__setattr__(self, "length_um", check_positive(where + "length_um", self.length_um, "um"))
        object.__setattr__(self, "diam_um", check_positive(where + "diam_um", self.diam_um, "um"))
        # physiological ranges (warning) inside what the model can represent (error): plausibility.RANGES
        object.__setattr__(self, "length_um", check_band(where + "length_um", self.length_um, stacklevel=5))
        object.__setattr__(self, "diam_um", check_band(where + "diam_um", self.diam_um, stacklevel=5))
        object.__setattr__(self, "Ra_ohm_cm", check_positive(where + "Ra_ohm_cm", self.Ra_ohm_cm, "ohm*cm"))
        object.__setattr__(self, "cm_uF_cm2", check_positive(where + "cm_uF_cm2", self.cm_uF_cm2, "uF/cm2"))
        object.__setattr__(self, "parent_x", check_range(where + "parent_x", self.parent_x, 0.0, 1.0))
        if self.nseg is not None:
            object.__setattr__(self, "nseg", check_int(where + "nseg", self.nseg, 1, 100_000))
        if isinstance(self.tags, str):
            object.__setattr__(self, "tags", (self.tags,))
        else:
            object.__setattr__(self, "tags", tuple(self.tags))
        if self.parent is not None and not isinstance(self.parent, str):
            raise RanvierError(f"{where}parent must be a section name or None, got {self.parent!r}")

    @property
    def area_um2(self) -> float:
        """Lateral membrane area (um2); the end caps carry no membrane, as in NEURON."""
        return math.pi * self.diam_um * self.length_um

    def length_constant_um(self, rm_ohm_cm2: float) -> float:
        """DC length constant lambda = sqrt(Rm d / (4 Ra)) (um) for membrane resistance Rm (ohm*cm2)."""
        d_cm = self.diam_um * 1e-4
        return math.sqrt(rm_ohm_cm2 * d_cm / (4.0 * self.Ra_ohm_cm)) * 1e4
