"""How many compartments each section gets."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ranvier.errors import check_positive
from ranvier.morphology.section import Section


@dataclass(frozen=True)
class Discretization:
    """Rules for the number of compartments (nseg) of sections that do not set their own.

    The largest of the counts the active rules ask for is used.

    Parameters
    ----------
    max_length_um : float or None
        Largest compartment length (um).
    d_lambda : float or None
        Largest compartment length as a fraction of the AC length constant at
        ``frequency_Hz`` (the d_lambda rule of Hines & Carnevale 2001,
        Neuroscientist 7:123; 0.1 at 100 Hz is the usual choice). nseg is odd,
        so a node always sits at the middle of a section.
    frequency_Hz : float
        Frequency for the AC length constant (Hz).
    """

    max_length_um: float | None = None
    d_lambda: float | None = 0.1
    frequency_Hz: float = 100.0

    def __post_init__(self) -> None:
        if self.max_length_um is not None:
            object.__setattr__(self, "max_length_um", check_positive("max_length_um", self.max_length_um, "um"))
        if self.d_lambda is not None:
            object.__setattr__(self, "d_lambda", check_positive("d_lambda", self.d_lambda))
        object.__setattr__(self, "frequency_Hz", check_positive("frequency_Hz", self.frequency_Hz, "Hz"))

    def nseg(self, sec: Section) -> int:
        if sec.nseg is not None:
            return sec.nseg
        n = 1
        if self.max_length_um is not None:
            n = max(n, math.ceil(sec.length_um / self.max_length_um - 1e-9))
        if self.d_lambda is not None:
            lam = lambda_ac_um(sec, self.frequency_Hz)
            n = max(n, int((sec.length_um / (self.d_lambda * lam) + 0.9) / 2) * 2 + 1)
        return n


def lambda_ac_um(sec: Section, frequency_Hz: float) -> float:
    """AC length constant (um) at ``frequency_Hz`` for a membrane dominated by capacitance.

    lambda_f = 1e5 * sqrt(d / (4 pi f Ra cm)) with d in um, Ra in ohm*cm, cm in uF/cm2
    (Hines & Carnevale 2001).
    """
    return 1e5 * math.sqrt(sec.diam_um / (4.0 * math.pi * frequency_Hz * sec.Ra_ohm_cm * sec.cm_uF_cm2))
