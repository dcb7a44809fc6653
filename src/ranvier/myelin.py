"""Myelin as a first-class object: the sheath, the paranodes, myelinated and unmyelinated axons.

What is modelled
----------------
A myelinated axon is a chain ``node0, internode0, node1, ..., node{n-1}`` of ranvier
Sections (one intracellular cable), following the geometry and membrane of the
mammalian motor fibre of McIntyre, Richardson & Grill (2002, J Neurophysiol
87:995-1006, doi:10.1152/jn.00353.2001; "MRG"):

* **Node of Ranvier**: 1 um of axolemma, diameter 0.333 x fibre diameter (MRG Table 1
  lists 1.9-5.5 um nodes for 5.7-16 um fibres, node/fibre = 0.32-0.34), 2 uF/cm2,
  with the MRG fast Na+, persistent Na+, slow K+ and leak
  (:mod:`ranvier.mechanisms.library.mcintyre2002`).
* **Internode**: the axon (diameter ``g_ratio`` x fibre diameter) under the compact
  sheath. The sheath is :class:`Myelin`: N lamellae, each two membranes in series,
  lumped into one specific capacitance and conductance (see :class:`Myelin`), in
  series with the internodal axolemma (MRG: 2 uF/cm2, 0.1 mS/cm2, reversing at -80 mV).
* **Paranodes** (:class:`Paranode`): at each side of every node, the myelin
  attachment segment (MYSA, 3 um at node diameter) and the main paranode (FLUT, at
  axon diameter), whose axolemma is *not* behind the sheath: it faces the periaxonal
  space, a 2-4 nm annulus that opens into the nodal gap. Their membrane reaches the
  extracellular space through the longitudinal resistance of that annulus.

The periaxonal space (what is kept and what is left out)
--------------------------------------------------------
MRG is a double cable: a second, periaxonal conductor runs under the sheath. ranvier
solves a single tree of intracellular nodes, and a double cable is a ladder (it has
loops), so it cannot be stored as such. Two parts of it matter and are treated here:

1. *Paranodes, exactly in the limit of an equipotential axoplasm.* Over a paranode
   (~50 um) the axoplasm is nearly equipotential (its axial resistance, ~1 MOhm, is
   small next to the periaxonal one, ~0.1-0.5 GOhm). The paranodal axolemma and the
   periaxonal annulus then form a two-terminal passive network between the axoplasm
   and the extracellular space: a resistive line (the annulus, resistance per length
   rho_a / A_gap with A_gap = pi((r + w)^2 - r^2)) loaded by membrane (C, G, E)
   towards the axoplasm. Swapping the two terminals of a two-terminal network
   changes nothing it does at its terminals, so the same network is built as a side
   branch hanging from the node: a cable whose axial resistivity is chosen so that
   its resistance per length equals the annulus's, with the paranodal membrane to
   ground. Between the branch and the node sits half the node's own 2-nm annulus
   (MRG's Rpn0: the periaxonal current leaves through the middle of the nodal gap).
   Dropped: the paranodal sheath's own path from the periaxonal space outwards
   (MRG's myelin there, < 1e-4 of the axolemma's admittance; removing it from the
   MRG double cable changes the velocity by 1.5 %).
   These branches carry no axoplasm; their sections are tagged "paranode"/"periaxonal",
   never "axon", so that channels painted on "axon" do not land on them.
2. *The internode's periaxonal conduction is left out*: the internodal axolemma
   is in series with the sheath only. Checked against the MRG double cable itself
   (NEURON 9.0.2, MRG Table 1 10-um fibre, MRG's fixed ENa = 50 / EK = -90 mV,
   27 compartments per paranode, backward Euler, dt = 0.0025 ms): cutting the
   internodal periaxonal conduction there changes the velocity from 45.64 to
   45.59 m/s (0.1 %), and this single-cable reduction, built with the same geometry
   and settings, gives 47.51 m/s (+4 %); with Nernst reversal potentials 55.77
   against 53.70 m/s (+4 %).

Conduction velocity, refinement and the MRG compartmentation
------------------------------------------------------------
MRG's published model uses one compartment per paranodal section; refining it
lowers its velocity by 15 % (53.68 -> 45.64 m/s in the comparison above), so its
published velocities carry that discretisation. ranvier resolves the paranodal
periaxonal line (``Paranode.nseg`` = 15 per section; 45 changes the velocity by
0.3 %), so its velocities are those of the continuous model. With the defaults
(g = 0.7, internode = 100 x D, Nernst potentials, 37 degC) :func:`conduction_velocity`
gives 5.47 m/s per um of fibre diameter for 5-20 um fibres. The tests in
tests/physiology state the convergence in space and time.

Units: um, mV, ms, uF/cm2, S/cm2, ohm*cm, nA, degC, m/s.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ranvier.errors import RanvierError, check_int, check_positive, check_range, check_real
from ranvier.plausibility import check_band
from ranvier.mechanisms.channel import Channel
from ranvier.mechanisms.library import mcintyre2002 as mrg
from ranvier.morphology.section import Section
from ranvier.morphology.tree import Morphology

__all__ = [
    "Myelin",
    "Paranode",
    "MyelinatedAxon",
    "UnmyelinatedAxon",
    "myelinated_axon",
    "unmyelinated_axon",
    "demyelinate",
    "measure_conduction_velocity",
    "conduction_velocity",
    "DEFAULT_G_RATIO",
    "INTERNODE_LENGTH_PER_FIBER_DIAM",
    "NODE_DIAM_PER_FIBER_DIAM",
]

MRG_CITATION = "McIntyre CC, Richardson AG, Grill WM (2002) J Neurophysiol 87:995-1006, doi:10.1152/jn.00353.2001"

DEFAULT_G_RATIO = 0.7
"""Axon diameter / fibre diameter. McIntyre et al. (2002) Table 1 uses 0.605-0.791 for
5.7-16 um motor fibres (mean 0.69), from the morphometry they cite; peripheral fibres
measure 0.6-0.7 (Rushton 1951, J Physiol 115:101, doi:10.1113/jphysiol.1951.sp004655,
derived 0.6 as the optimum for conduction; Gillespie & Stein 1983, Brain Res 259:41,
doi:10.1016/0006-8993(83)91065-X, measured ~0.6 in cat nerves)."""

INTERNODE_LENGTH_PER_FIBER_DIAM = 100.0
"""Internode length / fibre diameter. ~100 (Hess A, Young JZ (1952) Proc R Soc Lond B
140:301, doi:10.1098/rspb.1952.0063; the proportionality Rushton (1951) built his
scaling theory on); McIntyre et al. (2002) Table 1: 88-115 for 5.7-16 um fibres."""

NODE_DIAM_PER_FIBER_DIAM = 0.333
"""Nodal axon diameter / fibre diameter: McIntyre et al. (2002) Table 1, 1.9-5.5 um
nodes for 5.7-16 um fibres (ratio 0.32-0.34; least-squares proportional fit 0.333)."""

FLUT_LENGTH_SLOPE = 2.5811
FLUT_LENGTH_INTERCEPT_UM = 19.59
"""Main-paranode (FLUT) length = 2.5811 x fibre diameter + 19.59 um: least-squares line
through McIntyre et al. (2002) Table 1 (35-60 um for 5.7-16 um fibres, residuals < 2.1 um)."""

NODE_LENGTH_UM = 1.0
"""Node length (um): McIntyre et al. (2002) Table 1."""

_VIRTUAL_CM_UF_CM2 = 1e-6
"""Capacitance given to the half-node periaxonal resistor section, which has no membrane
(only a value > 0 is allowed; with ~5 um2 of 'area' it holds ~5e-5 pF)."""


# ------------------------------------------------------------------------------ the sheath


@dataclass(frozen=True)
class Myelin:
    """A compact myelin sheath and the internodal axolemma beneath it.

    Parameters
    ----------
    g_ratio : float
        Axon diameter / fibre (outer) diameter of the intact sheath, in (0, 1).
    periodicity_um : float
        Radial repeat distance of compact myelin: one lamella, i.e. two membranes with
        their cytoplasmic and extracellular appositions (um). 16 nm by default: X-ray
        diffraction of fresh nerve gives periods of about 15-16 nm in CNS and 17-18.5 nm
        in PNS myelin (Caspar DLD, Kirschner DA (1971) Nature New Biol 231:46,
        doi:10.1038/newbio231046a0); MRG's Table 1 lamella counts imply 11-14 nm. The
        velocity depends on it weakly: 12, 16 and 18.4 nm give 57.2, 54.7 and 53.3 m/s
        for a 10-um fibre.
    lamella_cm_uF_cm2 : float
        Capacitance of one myelin membrane (uF/cm2): 0.1, McIntyre et al. (2002) Table 1
        ("0.1 uF/cm2/lamella membrane").
    lamella_g_S_cm2 : float
        Conductance of one myelin membrane (S/cm2): 0.001, McIntyre et al. (2002) Table 1.
    remaining : float
        Fraction of the lamellae left, in [0, 1] (1 = intact; see :func:`demyelinate`).
    axolemma_cm_uF_cm2, axolemma_g_S_cm2, axolemma_e_rev_mV : float
        The internodal axolemma under the sheath: 2 uF/cm2, 0.1 mS/cm2 reversing at
        -80 mV (McIntyre et al. 2002, Table 1 and the resting potential of their model).

    How the lamellae are lumped
    ---------------------------
    N = thickness / periodicity lamellae, thickness = (D - d)/2 and d = g D, give 2N
    membranes in series, membrane j lying at diameter d_j between d and the outer
    diameter D' = d + 2 N p (N, hence D', shrinks on demyelination). Per unit length,
    membrane j has capacitance pi d_j c_l; in series, with the membranes p/2 apart::

        1/C' = sum_j 1/(pi d_j c_l) ~= (2/p) int_{d/2}^{D'/2} dr / (2 pi r c_l) = ln(D'/d) / (pi c_l p)

    i.e. the coaxial-capacitor formula C' = pi c_l p / ln(D'/d) with the sheath's
    permittivity/thickness set by one membrane per half period. Per unit area of the
    axon surface (pi d), the sheath's specific capacitance and, identically, its
    conductance are::

        c_sheath = c_l p / (d ln(D'/d)),   g_sheath = g_l p / (d ln(D'/d))

    For a thin sheath ln(D'/d) ~= 2Np/d and these reduce to c_l/(2N), g_l/(2N): the
    "divide by twice the number of lamellae" of McIntyre et al. (2002), who refer it to
    the fibre's outer surface instead (for g = 0.69 theirs is 20 % larger than the
    exact sum). The sheath is in series with the internodal axolemma (c_a, g_a)::

        c_internode = c_a c_sheath / (c_a + c_sheath),  g_internode = g_a g_sheath / (g_a + g_sheath)

    exact for the conductance at DC and for the capacitance at high frequency, and at
    all frequencies when the two time constants match; here c_sheath/c_a ~ 2e-4, so the
    sheath takes essentially the whole voltage and the error is of that order. With no
    lamellae left (remaining = 0) the internode is the bare axolemma, which has no
    Na+ channels (Ritchie JM, Rogart RB (1977) PNAS 74:211, doi:10.1073/pnas.74.1.211).
    """

    g_ratio: float = DEFAULT_G_RATIO
    periodicity_um: float = 0.016
    lamella_cm_uF_cm2: float = 0.1
    lamella_g_S_cm2: float = 0.001
    remaining: float = 1.0
    axolemma_cm_uF_cm2: float = mrg.NODE_CM_UF_CM2
    axolemma_g_S_cm2: float = 1e-4
    axolemma_e_rev_mV: float = -80.0

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "g_ratio",
            check_range("g_ratio", self.g_ratio, 0.0, 1.0, lo_open=True, hi_open=True,
                        remedy="g_ratio is axon diameter / fibre diameter, strictly between 0 (no axon) and 1 (no myelin)"),
        )
        object.__setattr__(self, "periodicity_um", check_positive("periodicity_um", self.periodicity_um, "um"))
        if self.periodicity_um > 0.1:
            raise RanvierError(
                f"periodicity_um must be <= 0.1 um (compact myelin repeats every 12-19 nm), got {self.periodicity_um!r}"
            )
        object.__setattr__(self, "lamella_cm_uF_cm2", check_positive("lamella_cm_uF_cm2", self.lamella_cm_uF_cm2, "uF/cm2"))
        object.__setattr__(
            self, "lamella_g_S_cm2", check_positive("lamella_g_S_cm2", self.lamella_g_S_cm2, "S/cm2", allow_zero=True)
        )
        object.__setattr__(self, "remaining", check_range("remaining", self.remaining, 0.0, 1.0,
                                                          remedy="remaining is the fraction of lamellae left"))
        object.__setattr__(
            self, "axolemma_cm_uF_cm2", check_positive("axolemma_cm_uF_cm2", self.axolemma_cm_uF_cm2, "uF/cm2")
        )
        object.__setattr__(
            self, "axolemma_g_S_cm2", check_positive("axolemma_g_S_cm2", self.axolemma_g_S_cm2, "S/cm2", allow_zero=True)
        )
        object.__setattr__(self, "axolemma_e_rev_mV", check_real("axolemma_e_rev_mV", self.axolemma_e_rev_mV, "mV"))

    # -- geometry --------------------------------------------------------------------------
    def axon_diam_um(self, fiber_diam_um: float) -> float:
        """Axon diameter d = g D (um)."""
        return self.g_ratio * check_positive("fiber_diam_um", fiber_diam_um, "um")

    def thickness_um(self, fiber_diam_um: float) -> float:
        """Thickness of the sheath that is left, remaining x (D - d)/2 (um)."""
        D = check_positive("fiber_diam_um", fiber_diam_um, "um")
        return self.remaining * 0.5 * (D - self.g_ratio * D)

    def n_lamellae(self, fiber_diam_um: float) -> float:
        """Number of lamellae left, thickness / periodicity (not rounded: a mean over the internode)."""
        return self.thickness_um(fiber_diam_um) / self.periodicity_um

    def outer_diam_um(self, fiber_diam_um: float) -> float:
        """Outer diameter of the sheath that is left, d + 2 x thickness (um)."""
        return self.axon_diam_um(fiber_diam_um) + 2.0 * self.thickness_um(fiber_diam_um)

    # -- electrical ------------------------------------------------------------------------
    def _sheath_factor(self, fiber_diam_um: float) -> float:
        """p / (d ln(D'/d)), dimensionless; inf with no lamellae."""
        d = self.axon_diam_um(fiber_diam_um)
        t = self.thickness_um(fiber_diam_um)
        if t <= 0.0:
            return math.inf
        return self.periodicity_um / (d * math.log1p(2.0 * t / d))

    def sheath_cm_uF_cm2(self, fiber_diam_um: float) -> float:
        """Specific capacitance of the sheath per area of axon surface (uF/cm2); inf without lamellae."""
        return self.lamella_cm_uF_cm2 * self._sheath_factor(fiber_diam_um)

    def sheath_g_S_cm2(self, fiber_diam_um: float) -> float:
        """Specific conductance of the sheath per area of axon surface (S/cm2); inf without lamellae."""
        f = self._sheath_factor(fiber_diam_um)
        return math.inf if math.isinf(f) else self.lamella_g_S_cm2 * f

    def internode_cm_uF_cm2(self, fiber_diam_um: float) -> float:
        """Sheath in series with the internodal axolemma: the internode's specific capacitance (uF/cm2)."""
        return _series(self.axolemma_cm_uF_cm2, self.sheath_cm_uF_cm2(fiber_diam_um))

    def internode_g_S_cm2(self, fiber_diam_um: float) -> float:
        """Sheath in series with the internodal axolemma: the internode's specific conductance (S/cm2)."""
        return _series(self.axolemma_g_S_cm2, self.sheath_g_S_cm2(fiber_diam_um))

    def demyelinated(self, remaining: float) -> "Myelin":
        """The same sheath with only ``remaining`` (in [0, 1]) of its lamellae (of the intact count)."""
        return dataclasses.replace(self, remaining=remaining)


def _series(a: float, b: float) -> float:
    if math.isinf(b):
        return a
    if a == 0.0 or b == 0.0:
        return 0.0
    return a * b / (a + b)


# ------------------------------------------------------------------------------ the paranode


@dataclass(frozen=True)
class Paranode:
    """The paranodal axolemma on each side of a node and the periaxonal path it leaks through.

    All values from McIntyre et al. (2002), Table 1 (MYSA = myelin attachment
    segment, FLUT = main paranode), with the FLUT length a least-squares line through
    their Table 1 (``flut_length_um=None``).

    Parameters
    ----------
    mysa_length_um, mysa_gap_um, mysa_g_S_cm2 : float
        MYSA: 3 um long at the node's diameter, periaxonal gap 0.002 um, axolemmal leak
        1 mS/cm2.
    flut_length_um : float or None
        FLUT length (um); None: 2.5811 x fibre diameter + 19.59 um.
    flut_gap_um, flut_g_S_cm2 : float
        FLUT (at the axon's diameter): periaxonal gap 0.004 um, leak 0.1 mS/cm2.
    cm_uF_cm2, e_rev_mV : float
        Paranodal axolemma: 2 uF/cm2, leak reversing at -80 mV.
    nodal_gap : bool
        Include the resistance of half the node's own 2-nm periaxonal annulus between
        the node and the MYSA (MRG's Rpn0), True by default.
    nseg : int
        Compartments per MYSA and per FLUT section (the paranodal periaxonal line is
        resolved; see :func:`conduction_velocity` for the convergence).
    """

    mysa_length_um: float = 3.0
    mysa_gap_um: float = 0.002
    mysa_g_S_cm2: float = 0.001
    flut_length_um: float | None = None
    flut_gap_um: float = 0.004
    flut_g_S_cm2: float = 1e-4
    cm_uF_cm2: float = mrg.NODE_CM_UF_CM2
    e_rev_mV: float = -80.0
    nodal_gap: bool = True
    nseg: int = 15

    def __post_init__(self) -> None:
        for name, unit in (("mysa_length_um", "um"), ("mysa_gap_um", "um"), ("flut_gap_um", "um"),
                           ("cm_uF_cm2", "uF/cm2")):
            object.__setattr__(self, name, check_positive(name, getattr(self, name), unit))
        for name in ("mysa_g_S_cm2", "flut_g_S_cm2"):
            object.__setattr__(self, name, check_positive(name, getattr(self, name), "S/cm2", allow_zero=True))
        if self.flut_length_um is not None:
            object.__setattr__(self, "flut_length_um", check_positive("flut_length_um", self.flut_length_um, "um"))
        object.__setattr__(self, "e_rev_mV", check_real("e_rev_mV", self.e_rev_mV, "mV"))
        object.__setattr__(self, "nseg", check_int("Paranode.nseg", self.nseg, 1, 1000))
        if not isinstance(self.nodal_gap, bool):
            raise RanvierError(f"nodal_gap must be True or False, got {self.nodal_gap!r}")

    def flut_length_for(self, fiber_diam_um: float) -> float:
        if self.flut_length_um is not None:
            return self.flut_length_um
        return FLUT_LENGTH_SLOPE * fiber_diam_um + FLUT_LENGTH_INTERCEPT_UM


def _periaxonal_Ra_ohm_cm(axoplasm_Ra_ohm_cm: float, diam_um: float, gap_um: float) -> float:
    """Axial resistivity that gives a cylinder of ``diam_um`` the resistance per length of the
    periaxonal annulus (width ``gap_um`` around that cylinder) filled with the same saline-like
    medium: r = Ra_axoplasm / A_gap = Ra' / (pi d^2 / 4)."""
    r = 0.5 * diam_um
    annulus = math.pi * ((r + gap_um) ** 2 - r**2)
    return axoplasm_Ra_ohm_cm * (math.pi * diam_um**2 / 4.0) / annulus


# ------------------------------------------------------------------------------ the axon objects


def _leak(name: str, g: float, e: float, citation: str) -> Channel:
    return Channel(name=name, ion="nonspecific", gbar_S_cm2=g, e_rev_mV=e, q10=1.0, reference_temp_degC=37.0,
                   citation=citation)


def _own_morphology(sections) -> Morphology:
    if sections[0].parent is not None:
        raise RanvierError(
            f"this axon hangs from section {sections[0].parent!r}; put its sections in one Morphology "
            "with that section instead"
        )
    return Morphology(sections)


def _own_cell(axon, **cell_kw):
    from ranvier.cell import Cell

    cell_kw.setdefault("temperature_degC", 37.0)
    return Cell(_own_morphology(axon.sections), mechanisms=axon.mechanisms(), **cell_kw)


@dataclass(frozen=True)
class MyelinatedAxon:
    """A myelinated axon as ranvier Sections, with what to paint on them.

    Build with :func:`myelinated_axon`. ``sections`` go into a :class:`Morphology`
    (alone, or appended to other sections when ``parent`` was given), and
    ``mechanisms()`` into the Cell's mechanisms::

        ax = myelinated_axon(10.0, 21)
        cell = rv.Cell(rv.Morphology(ax.sections), mechanisms=ax.mechanisms(), temperature_degC=37.0)

    Node names are ``{prefix}node{i}`` (i = 0..n_nodes-1), internode names
    ``{prefix}internode{i}`` (between node i and node i+1).
    """

    sections: list
    fiber_diam_um: float
    axon_diam_um: float
    node_diam_um: float
    node_length_um: float
    internode_length_um: float
    node_names: tuple[str, ...]
    internode_names: tuple[str, ...]
    myelin: tuple[Myelin, ...]
    paranode: Paranode
    node_channels: tuple[Channel, ...]
    prefix: str
    paranode_names: tuple[tuple[str, str], ...] = field(default=())  # (mysa, flut) names per branch

    @property
    def n_nodes(self) -> int:
        return len(self.node_names)

    @property
    def node_spacing_um(self) -> float:
        """Distance between the centres of neighbouring nodes (um)."""
        return self.node_length_um + self.internode_length_um

    def node_distance_um(self, i: int, j: int) -> float:
        """Distance along the fibre between the centres of node i and node j (um)."""
        return abs(j - i) * self.node_spacing_um

    def mechanisms(self) -> list[tuple[Channel, tuple[str, ...]]]:
        """(channel, sections) pairs to put in a Cell's ``mechanisms``.

        Node channels on the nodes; on each internode a leak ``myelin_leak`` whose
        density is the sheath-and-axolemma value of its own :class:`Myelin` (so
        demyelinated internodes get theirs); paranodal leaks ``mysa_leak`` and
        ``flut_leak`` on the paranodal branches.
        """
        out: list[tuple[Channel, tuple[str, ...]]] = [(ch, self.node_names) for ch in self.node_channels]
        groups: dict[tuple[float, float], list[str]] = {}
        for name, m in zip(self.internode_names, self.myelin):
            key = (m.internode_g_S_cm2(self.fiber_diam_um), m.axolemma_e_rev_mV)
            groups.setdefault(key, []).append(name)
        for (g, e), names in groups.items():
            out.append((_leak("myelin_leak", g, e, "internodal axolemma in series with the myelin sheath, " + MRG_CITATION),
                        tuple(names)))
        p = self.paranode
        if self.paranode_names:
            mysa = tuple(a for a, _ in self.paranode_names)
            flut = tuple(b for _, b in self.paranode_names)
            out.append((_leak("mysa_leak", p.mysa_g_S_cm2, p.e_rev_mV, "MYSA axolemma, " + MRG_CITATION), mysa))
            out.append((_leak("flut_leak", p.flut_g_S_cm2, p.e_rev_mV, "FLUT axolemma, " + MRG_CITATION), flut))
        return out

    def morphology(self) -> Morphology:
        """The sections as a Morphology of their own (only when the axon was built without a parent)."""
        return _own_morphology(self.sections)

    def cell(self, **cell_kw):
        """A Cell made of this axon alone (keyword arguments go to :class:`ranvier.Cell`; 37 degC by default)."""
        return _own_cell(self, **cell_kw)

    def demyelinate(self, internodes: Iterable[int], remaining: float) -> "MyelinatedAxon":
        """See :func:`demyelinate`."""
        return demyelinate(self, internodes, remaining)


@dataclass(frozen=True)
class UnmyelinatedAxon:
    """An unmyelinated axon: one Section and the channels to paint on it (uniform density)."""

    sections: list
    diam_um: float
    length_um: float
    channels: tuple[Channel, ...]
    name: str

    def mechanisms(self) -> list[tuple[Channel, tuple[str, ...]]]:
        return [(ch, (self.name,)) for ch in self.channels]

    def morphology(self) -> Morphology:
        """The sections as a Morphology of their own (only when the axon was built without a parent)."""
        return _own_morphology(self.sections)

    def cell(self, **cell_kw):
        """A Cell made of this axon alone (keyword arguments go to :class:`ranvier.Cell`; 37 degC by default)."""
        return _own_cell(self, **cell_kw)


# ------------------------------------------------------------------------------ builders


def _check_prefix(prefix: str) -> str:
    if not isinstance(prefix, str):
        raise RanvierError(f"prefix must be a string (may be empty), got {prefix!r}")
    return prefix


def myelinated_axon(
    fiber_diam_um: float = 10.0,
    n_nodes: int = 21,
    *,
    g_ratio: float | None = None,
    node_length_um: float = NODE_LENGTH_UM,
    node_diam_um: float | None = None,
    internode_length_um: float | None = None,
    myelin: Myelin | None = None,
    paranode: Paranode | None = None,
    node_channels: Iterable[Channel] | None = None,
    temperature_degC: float = 37.0,
    Ra_ohm_cm: float = mrg.RA_OHM_CM,
    node_cm_uF_cm2: float = mrg.NODE_CM_UF_CM2,
    internode_nseg: int = 5,
    parent: str | None = None,
    parent_x: float = 1.0,
    prefix: str = "",
) -> MyelinatedAxon:
    """A mammalian myelinated axon: ``n_nodes`` nodes of Ranvier joined by myelinated internodes.

    Parameters
    ----------
    fiber_diam_um : float
        Outer diameter of the myelinated fibre D (um), > 0.
    n_nodes : int
        Number of nodes (>= 2); there are n_nodes - 1 internodes. Node 0 attaches to
        ``parent`` (or is the root).
    g_ratio : float or None
        Axon diameter / fibre diameter in (0, 1); None: ``myelin.g_ratio`` (0.7 by default,
        :data:`DEFAULT_G_RATIO`). Giving both ``g_ratio`` and ``myelin`` uses ``g_ratio``.
    node_length_um : float
        Node length (um), 1 um (McIntyre et al. 2002).
    node_diam_um : float or None
        Nodal axon diameter (um); None: 0.333 D (:data:`NODE_DIAM_PER_FIBER_DIAM`).
    internode_length_um : float or None
        Length of each internode between two nodes (um); None: 100 D
        (:data:`INTERNODE_LENGTH_PER_FIBER_DIAM`).
    myelin : Myelin or None
        The sheath (periodicity, lamella membrane, internodal axolemma); None: ``Myelin()``.
    paranode : Paranode or None
        The paranodal axolemma and periaxonal gaps; None: ``Paranode()``.
    node_channels : iterable of Channel or None
        Channels on the nodes; None: the MRG node at ``temperature_degC``
        (:func:`ranvier.mechanisms.library.mcintyre2002.mrg_node_channels`).
    temperature_degC : float
        Temperature the default node channels' rates are built for (degC); give the
        Cell the same temperature.
    Ra_ohm_cm : float
        Axoplasmic resistivity (ohm*cm), 70 (McIntyre et al. 2002).
    node_cm_uF_cm2 : float
        Nodal membrane capacitance (uF/cm2), 2 (McIntyre et al. 2002).
    internode_nseg : int
        Compartments per internode (the internode is passive and nearly linear: 5 -> 21
        changes the velocity by 0.01 %, and even 1 compartment is within 0.2 %).
    parent, parent_x : str or None, float
        Attach node 0's 0 end at ``parent_x`` on section ``parent`` (e.g. a soma or an
        initial segment); None makes node 0 the root.
    prefix : str
        Prepended to every section name, so that several axons fit in one cell.

    Returns
    -------
    MyelinatedAxon
        ``.sections`` (Section list: nodes tagged ("node", "axon"), internodes
        ("internode", "axon"), paranodal branches ("paranode", "mysa"|"flut") and
        ("periaxonal",)) and ``.mechanisms()``.
    """
    D = check_positive("fiber_diam_um", fiber_diam_um, "um")
    D = check_band("fiber_diam_um", D)  # 0.5-50 um can be built; outside 1-22 um a PhysiologyWarning
    n = check_int("n_nodes", n_nodes, 2, 10_000)
    my = Myelin() if myelin is None else myelin
    if not isinstance(my, Myelin):
        raise RanvierError(f"myelin must be a Myelin, got {my!r}")
    if g_ratio is not None:
        my = dataclasses.replace(my, g_ratio=g_ratio)  # validated again there
    pn = Paranode() if paranode is None else paranode
    if not isinstance(pn, Paranode):
        raise RanvierError(f"paranode must be a Paranode, got {pn!r}")
    L_node = check_positive("node_length_um", node_length_um, "um")
    d_node = NODE_DIAM_PER_FIBER_DIAM * D if node_diam_um is None else check_positive("node_diam_um", node_diam_um, "um")
    L_int = (INTERNODE_LENGTH_PER_FIBER_DIAM * D if internode_length_um is None
             else check_positive("internode_length_um", internode_length_um, "um"))
    Ra = check_positive("Ra_ohm_cm", Ra_ohm_cm, "ohm*cm")
    cm_node = check_positive("node_cm_uF_cm2", node_cm_uF_cm2, "uF/cm2")
    nseg_int = check_int("internode_nseg", internode_nseg, 1, 10_000)
    prefix = _check_prefix(prefix)
    d_axon = my.axon_diam_um(D)
    if d_node > D:
        raise RanvierError(f"node_diam_um ({d_node:g} um) must not exceed fiber_diam_um ({D:g} um)")
    L_flut = pn.flut_length_for(D)
    if 2.0 * (pn.mysa_length_um + L_flut) >= L_int:
        raise RanvierError(
            f"internode_length_um ({L_int:g} um) must exceed its two paranodes "
            f"(2 x ({pn.mysa_length_um:g} + {L_flut:g}) um); lengthen the internode or shorten the paranodes"
        )
    chans = mrg.mrg_node_channels(temperature_degC) if node_channels is None else tuple(node_channels)
    for ch in chans:
        if not isinstance(ch, Channel):
            raise RanvierError(f"node_channels must be Channel objects, got {ch!r}")

    cm_int = my.internode_cm_uF_cm2(D)
    ra_mysa = _periaxonal_Ra_ohm_cm(Ra, d_node, pn.mysa_gap_um)
    ra_flut = _periaxonal_Ra_ohm_cm(Ra, d_axon, pn.flut_gap_um)
    secs: list[Section] = []
    nodes: list[str] = []
    inters: list[str] = []
    para: list[tuple[str, str]] = []
    prev, prev_x = parent, parent_x
    for i in range(n):
        node = f"{prefix}node{i}"
        secs.append(Section(node, L_node, d_node, parent=prev, parent_x=prev_x, Ra_ohm_cm=Ra, cm_uF_cm2=cm_node,
                            nseg=1, tags=("node", "axon")))
        nodes.append(node)
        for side, x in (("a", 0.0), ("b", 1.0)):
            base = f"{node}_{side}"
            at, at_x = node, x
            if pn.nodal_gap:
                secs.append(Section(base + "_gap", 0.5 * L_node, d_node, parent=at, parent_x=at_x, Ra_ohm_cm=ra_mysa,
                                    cm_uF_cm2=_VIRTUAL_CM_UF_CM2, nseg=1, tags=("periaxonal",)))
                at, at_x = base + "_gap", 1.0
            secs.append(Section(base + "_mysa", pn.mysa_length_um, d_node, parent=at, parent_x=at_x, Ra_ohm_cm=ra_mysa,
                                cm_uF_cm2=pn.cm_uF_cm2, nseg=pn.nseg, tags=("paranode", "mysa")))
            secs.append(Section(base + "_flut", L_flut, d_axon, parent=base + "_mysa", parent_x=1.0, Ra_ohm_cm=ra_flut,
                                cm_uF_cm2=pn.cm_uF_cm2, nseg=pn.nseg, tags=("paranode", "flut")))
            para.append((base + "_mysa", base + "_flut"))
        if i < n - 1:
            inter = f"{prefix}internode{i}"
            secs.append(Section(inter, L_int, d_axon, parent=node, parent_x=1.0, Ra_ohm_cm=Ra, cm_uF_cm2=cm_int,
                                nseg=nseg_int, tags=("internode", "axon")))
            inters.append(inter)
            prev, prev_x = inter, 1.0
    return MyelinatedAxon(
        sections=secs, fiber_diam_um=D, axon_diam_um=d_axon, node_diam_um=d_node, node_length_um=L_node,
        internode_length_um=L_int, node_names=tuple(nodes), internode_names=tuple(inters),
        myelin=tuple(my for _ in inters), paranode=pn, node_channels=chans, prefix=prefix,
        paranode_names=tuple(para),
    )


def demyelinate(axon: MyelinatedAxon, internodes: Iterable[int], remaining: float) -> MyelinatedAxon:
    """A copy of ``axon`` whose chosen internodes keep only ``remaining`` of their lamellae.

    ``internodes`` are internode indices (0 .. n_nodes - 2); ``remaining`` in [0, 1]
    multiplies the intact lamella count (0 = bare axolemma, no Na+ channels). The
    thinner sheath raises the internode's capacitance and leak (:class:`Myelin`), which
    slows conduction and, past a point, blocks it. Paranodes are left as they are.
    """
    if not isinstance(axon, MyelinatedAxon):
        raise RanvierError(f"demyelinate needs a MyelinatedAxon, got {type(axon).__name__}")
    frac = check_range("remaining", remaining, 0.0, 1.0, remedy="remaining is the fraction of lamellae left")
    n_int = len(axon.internode_names)
    idx = sorted({check_int("internode index", i, 0, n_int - 1) for i in internodes})
    if not idx:
        raise RanvierError("internodes must name at least one internode index")
    D = axon.fiber_diam_um
    myelin = list(axon.myelin)
    by_name = {s.name: s for s in axon.sections}
    secs = list(axon.sections)
    for i in idx:
        m = myelin[i].demyelinated(myelin[i].remaining * frac)
        myelin[i] = m
        name = axon.internode_names[i]
        new = dataclasses.replace(by_name[name], cm_uF_cm2=m.internode_cm_uF_cm2(D))
        secs[secs.index(by_name[name])] = new
    return dataclasses.replace(axon, sections=secs, myelin=tuple(myelin))


# ------------------------------------------------------------------------------ unmyelinated


def unmyelinated_axon(
    diam_um: float,
    length_um: float,
    *,
    channels: Iterable[Channel] | None = None,
    Ra_ohm_cm: float = mrg.RA_OHM_CM,
    cm_uF_cm2: float = 1.0,
    nseg: int | None = None,
    max_segment_um: float | None = None,
    parent: str | None = None,
    parent_x: float = 1.0,
    name: str = "axon",
) -> UnmyelinatedAxon:
    """An unmyelinated axon: one cylinder with channels at a uniform density.

    Parameters
    ----------
    diam_um, length_um : float
        Diameter and length (um), > 0.
    channels : iterable of Channel or None
        None: the mammalian Na+/K+ set already in ranvier, ``tm_na`` (56 mS/cm2) and
        ``tm_kd`` (6 mS/cm2) of Pospischil et al. (2008, Biol Cybern 99:427,
        doi:10.1007/s00422-008-0263-8) with ranvier's per-ion leak
        (:func:`ranvier.ion_leak`). The MRG nodal set is *not* used here. Spread at a
        uniform density (any common scale factor, e.g. the ~1 % of the nodal Na+ channel
        density that saxitoxin binding gives for C fibres, Ritchie JM, Rogart RB (1977)
        PNAS 74:211, doi:10.1073/pnas.74.1.211), its steady-state current-voltage curve
        keeps its shape: with the default concentrations it crosses zero at -88 mV
        (stable), -83 mV (unstable) and -54 mV (stable), because its fast Na+ window
        current outweighs its slow K+ and leak currents between -83 and -54 mV. The MRG
        node rests at -80 mV only thanks to the leak of its paranodes (above), which a
        bare axon has not; such a membrane is bistable and its resting state depends on
        where it starts (and at ~1 % density it does not conduct either).
    Ra_ohm_cm : float
        Axoplasmic resistivity (ohm*cm), 70 as in the myelinated fibre.
    cm_uF_cm2 : float
        Membrane capacitance (uF/cm2), 1 (Gentet LJ, Stuart GJ, Clements JD (2000)
        Biophys J 79:314, doi:10.1016/S0006-3495(00)76293-X).
    nseg, max_segment_um : int or None, float or None
        Compartments; default: segments no longer than max(2 um, 10 x diameter), ample
        for the ~1-2 mm long action potential of a C fibre.
    parent, parent_x, name : attachment and section name.
    """
    d = check_positive("diam_um", diam_um, "um")
    L = check_positive("length_um", length_um, "um")
    if not isinstance(name, str) or not name:
        raise RanvierError(f"name must be a non-empty string, got {name!r}")
    Ra = check_positive("Ra_ohm_cm", Ra_ohm_cm, "ohm*cm")
    cm = check_positive("cm_uF_cm2", cm_uF_cm2, "uF/cm2")
    if nseg is None:
        seg = max(2.0, 10.0 * d) if max_segment_um is None else check_positive("max_segment_um", max_segment_um, "um")
        n = max(1, int(math.ceil(L / seg)))
    else:
        n = check_int("nseg", nseg, 1, 100_000)
    if channels is None:
        from ranvier.mechanisms.library.passive import ion_leak
        from ranvier.mechanisms.library.pospischil2008 import tm_kd, tm_na

        chans: tuple[Channel, ...] = (tm_na, tm_kd, *ion_leak())
    else:
        chans = tuple(channels)
        for ch in chans:
            if not isinstance(ch, Channel):
                raise RanvierError(f"channels must be Channel objects, got {ch!r}")
    sec = Section(name, L, d, parent=parent, parent_x=parent_x, Ra_ohm_cm=Ra, cm_uF_cm2=cm, nseg=n, tags=("axon",))
    return UnmyelinatedAxon(sections=[sec], diam_um=d, length_um=L, channels=chans, name=name)


# ------------------------------------------------------------------------------ conduction velocity

DEFAULT_DT_MYELINATED_MS = 0.0025
"""Time step for myelinated velocity runs: an internode is crossed in ~20 us, and
halving 0.0025 ms changes the measured velocity by < 1 % (see the physiology tests)."""
DEFAULT_DT_UNMYELINATED_MS = 0.01


def _stimulus_nA(axon) -> float:
    """A 0.1-ms current several times threshold at the stimulated end."""
    if isinstance(axon, MyelinatedAxon):
        return 1.0 * axon.fiber_diam_um  # threshold ~0.2 nA per um of fibre diameter
    return 3.0 * axon.diam_um**1.5  # charges about a length constant of membrane by ~100 mV in 0.1 ms


def measure_conduction_velocity(
    axon: MyelinatedAxon | UnmyelinatedAxon,
    *,
    between: tuple[float, float] | None = None,
    temperature_degC: float = 37.0,
    dt_ms: float | None = None,
    method: str = "cn",
    tstop_ms: float | None = None,
    stimulus_nA: float | None = None,
    threshold_mV: float = -20.0,
    cell_kw: dict | None = None,
) -> float:
    """Stimulate one end of ``axon`` and measure how fast the spike travels (m/s).

    A 0.1-ms current pulse at node 0 (myelinated) or at the 0 end (unmyelinated)
    starts an action potential; its upward crossings of ``threshold_mV`` are timed at
    two recording points far from both ends (linear interpolation between samples,
    :func:`ranvier.analysis.spike_times`) and the velocity is distance / latency
    (:func:`ranvier.analysis.conduction_velocity_m_s`).

    Parameters
    ----------
    between : (a, b) or None
        Myelinated: node indices (default: a quarter of the way in from each end).
        Unmyelinated: fractions of the length (default (0.25, 0.75)).
    temperature_degC : float
        The cell's temperature (degC).
    dt_ms, method : time step (default 0.0025 ms myelinated, 0.01 ms unmyelinated) and "cn"/"be".
    tstop_ms : float or None
        Duration; None: long enough for a spike at 1/5 of the expected velocity.
    stimulus_nA : float or None
        Pulse amplitude; None: about 5 x threshold.
    cell_kw : dict
        More keyword arguments for the Cell (e.g. ``concentrations``, ``reversal_mV``).

    Raises
    ------
    RanvierError
        If no action potential starts at the first recording point, or it starts but
        never reaches the second (conduction block), naming both.
    """
    from ranvier.analysis.conduction import conduction_velocity_m_s
    from ranvier.analysis.spikes import spike_times
    from ranvier.probe import Probe
    from ranvier.simulation import Simulation
    from ranvier.site import Site
    from ranvier.stimulus import CurrentClamp

    if not isinstance(axon, (MyelinatedAxon, UnmyelinatedAxon)):
        raise RanvierError(f"axon must be a MyelinatedAxon or UnmyelinatedAxon, got {type(axon).__name__}")
    thr = check_real("threshold_mV", threshold_mV, "mV")
    if isinstance(axon, MyelinatedAxon):
        n = axon.n_nodes
        a, b = (n // 4, n - 1 - n // 4) if between is None else between
        a = check_int("between[0] (node index)", a, 0, n - 1)
        b = check_int("between[1] (node index)", b, 0, n - 1)
        if b <= a:
            raise RanvierError(f"between must be two node indices (a, b) with a < b, got {(a, b)}")
        site_a, site_b = Site(axon.node_names[a], 0.5), Site(axon.node_names[b], 0.5)
        stim_site = Site(axon.node_names[0], 0.5)
        distance = axon.node_distance_um(a, b)
        where = (f"node {a} ({axon.node_names[a]})", f"node {b} ({axon.node_names[b]})")
        expected_m_s = 4.0 * axon.fiber_diam_um
        dt = DEFAULT_DT_MYELINATED_MS if dt_ms is None else dt_ms
    else:
        xa, xb = (0.25, 0.75) if between is None else between
        xa = check_range("between[0] (fraction of length)", xa, 0.0, 1.0)
        xb = check_range("between[1] (fraction of length)", xb, 0.0, 1.0)
        if xb <= xa:
            raise RanvierError(f"between must be two fractions (a, b) with a < b, got {(xa, xb)}")
        site_a, site_b = Site(axon.name, xa), Site(axon.name, xb)
        stim_site = Site(axon.name, 0.0)
        distance = (xb - xa) * axon.length_um
        where = (f"{axon.name}({xa:g})", f"{axon.name}({xb:g})")
        expected_m_s = 0.5 * math.sqrt(axon.diam_um)
        dt = DEFAULT_DT_UNMYELINATED_MS if dt_ms is None else dt_ms
    amp = _stimulus_nA(axon) if stimulus_nA is None else check_real("stimulus_nA", stimulus_nA, "nA")
    delay = 0.1
    if tstop_ms is None:
        far = distance if isinstance(axon, UnmyelinatedAxon) else axon.node_distance_um(0, axon.n_nodes - 1)
        tstop_ms = delay + 1.0 + 5.0 * far / (expected_m_s * 1e3)
        tstop_ms = math.ceil(tstop_ms / dt - 1e-9) * dt  # a whole number of steps
    cell = axon.cell(temperature_degC=temperature_degC, **(cell_kw or {}))
    sim = Simulation(
        cell,
        stimuli=[CurrentClamp.step(stim_site, amp, delay, 0.1)],
        probes=[Probe(site_a, ("v",)), Probe(site_b, ("v",))],
        tstop_ms=tstop_ms, dt_ms=dt, method=method,
    )
    res = sim.run()
    t = res.time.values
    ta = spike_times(t, res.v.sel(site=site_a.label).values, thr)
    tb = spike_times(t, res.v.sel(site=site_b.label).values, thr)
    if ta.size == 0:
        raise RanvierError(
            f"no action potential reached {where[0]}: the {amp:g} nA stimulus at {stim_site.label} did not start "
            f"one that propagated there (within {tstop_ms:g} ms); raise stimulus_nA or check the axon"
        )
    if tb.size == 0 or tb[-1] <= ta[0]:
        raise RanvierError(
            f"conduction block: the action potential reached {where[0]} at {ta[0]:.3f} ms but never reached "
            f"{where[1]} (within {tstop_ms:g} ms)"
        )
    return float(conduction_velocity_m_s(ta[:1], tb, distance)[0])


def conduction_velocity(
    fiber_diam_um: float,
    myelinated: bool = True,
    temperature_degC: float = 37.0,
    *,
    dt_ms: float | None = None,
    method: str = "cn",
    between=None,
    cell_kw: dict | None = None,
    **kw,
) -> float:
    """Conduction velocity (m/s) of an axon of this size, measured in a simulation.

    Myelinated: ``myelinated_axon(fiber_diam_um, **kw)`` (21 nodes unless ``n_nodes``
    is given), timed between nodes a quarter of the way in from each end.
    Unmyelinated: ``unmyelinated_axon(fiber_diam_um, length_um, **kw)`` with
    ``length_um`` 4 mm x sqrt(diameter / 1 um) unless given, timed between 25 % and
    75 % of its length. The node channels are built for ``temperature_degC``.

    Accuracy (10-um fibre, 37 degC; see tests/physiology): the internode is resolved
    with 5 compartments (3 -> 21 changes the velocity by < 0.01 %), each paranodal
    section with 15 (15 -> 45: < 1 %), and dt = 0.0025 ms with Crank-Nicolson
    (halving it: < 1 %). Raises :class:`RanvierError` if the spike does not propagate.
    """
    if not isinstance(myelinated, (bool, np.bool_)):
        raise RanvierError(f"myelinated must be True or False, got {myelinated!r}")
    t = check_real("temperature_degC", temperature_degC, "degC")
    if myelinated:
        kw.setdefault("temperature_degC", t)
        axon = myelinated_axon(fiber_diam_um, **kw)
    else:
        d = check_positive("fiber_diam_um", fiber_diam_um, "um")
        kw.setdefault("length_um", 4000.0 * math.sqrt(d))
        length = kw.pop("length_um")
        axon = unmyelinated_axon(d, length, **kw)
    return measure_conduction_velocity(axon, between=between, temperature_degC=t, dt_ms=dt_ms, method=method,
                                       cell_kw=cell_kw)
