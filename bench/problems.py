"""The benchmark problems: one frozen description each, shared by every simulator.

Units as in ranvier: um, ms, mV, nA, S/cm2, uF/cm2, ohm*cm, degC. This module imports
nothing heavy: the NEURON and Arbor child processes read it without loading ranvier.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

RA_OHM_CM = 100.0
CM_UF_CM2 = 1.0
TEMPERATURE_DEGC = 6.3  # HH rates are defined at 6.3 degC; Q10 = 3 plays no part
E_NA_MV = 50.0
E_K_MV = -77.0
G_NA_S_CM2 = 0.120
G_K_S_CM2 = 0.036
# Rallpack membrane leak (Bhalla, Bilitch & Bower 1992): Rm = 40,000 ohm*cm2 at Em = -65 mV
RALL_G_LEAK_S_CM2 = 2.5e-5
RALL_E_LEAK_MV = -65.0
# HH's own leak (Hodgkin & Huxley 1952; NEURON's hh.mod and Arbor's hh defaults)
HH_G_LEAK_S_CM2 = 0.0003
HH_E_LEAK_MV = -54.3
V_INIT_MV = -65.0
SPIKE_THRESHOLD_MV = -20.0


@dataclass(frozen=True)
class Problem:
    """One benchmark problem.

    ``compartments`` is the number of membrane compartments (the sum of nseg), the same
    in every simulator; each simulator's own node/CV count is reported separately.
    ``recordings`` names the recorded voltage traces, in the order every simulator
    returns them. ``table_variant``: also run NEURON with its rate tables on
    (``usetable_hh = 1``, NEURON's default) as a second NEURON row.
    """

    key: str
    title: str
    tstop_ms: float
    quick_tstop_ms: float
    dt_ms: float
    compartments: int
    n_cells: int
    recordings: tuple[str, ...]
    table_variant: bool = False
    params: dict = field(default_factory=dict)

    def tstop(self, quick: bool) -> float:
        return self.quick_tstop_ms if quick else self.tstop_ms

    def steps(self, quick: bool) -> int:
        return int(round(self.tstop(quick) / self.dt_ms))


# --- P1: Rallpack 3 ---------------------------------------------------------------------
P1 = Problem(
    key="P1",
    title="rallpack3: 1 mm x 1 um HH cable, 1000 compartments, backward Euler, dt 50 us",
    tstop_ms=250.0, quick_tstop_ms=55.0, dt_ms=0.05, compartments=1000, n_cells=1,
    recordings=("v_x0", "v_x1"), table_variant=True,
    params=dict(length_um=1000.0, diam_um=1.0, nseg=1000, stim_nA=0.1),
)

# --- P2: one HH compartment -------------------------------------------------------------
SOMA_DIAM_UM = 20.0
SOMA_AREA_UM2 = math.pi * SOMA_DIAM_UM * SOMA_DIAM_UM  # lateral area of a 20 x 20 um cylinder
P2_I_UA_CM2 = 10.0
P2_STIM_NA = P2_I_UA_CM2 * 1e-3 * SOMA_AREA_UM2 * 1e-8 * 1e6  # uA/cm2 -> mA/cm2 x cm2 -> mA -> nA (0.12566 nA)
P2 = Problem(
    key="P2",
    title="hh1: one 20 x 20 um HH compartment, 10 uA/cm2, 1 s, backward Euler, dt 25 us",
    tstop_ms=1000.0, quick_tstop_ms=100.0, dt_ms=0.025, compartments=1, n_cells=1,
    recordings=("v",), table_variant=True,
    params=dict(diam_um=SOMA_DIAM_UM, length_um=SOMA_DIAM_UM, stim_nA=P2_STIM_NA),
)

# --- P3: a batch of independent cables --------------------------------------------------
P3_N_CELLS = 1000
P3 = Problem(
    key="P3",
    title="batch: 1000 independent 100 um x 1 um HH cables (100 compartments each), dt 25 us",
    tstop_ms=100.0, quick_tstop_ms=10.0, dt_ms=0.025, compartments=P3_N_CELLS * 100, n_cells=P3_N_CELLS,
    recordings=tuple(f"v_x1[{k}]" for k in range(P3_N_CELLS)),
    params=dict(length_um=100.0, diam_um=1.0, nseg=100, stim_min_nA=0.02, stim_max_nA=0.2),
)


def p3_amplitudes_nA() -> list[float]:
    """Stimulus of cable k: linear from 0.02 nA (k = 0) to 0.2 nA (k = 999)."""
    p = P3.params
    n = P3.n_cells
    return [p["stim_min_nA"] + (p["stim_max_nA"] - p["stim_min_nA"]) * k / (n - 1) for k in range(n)]


# --- P4: a branched cell -------------------------------------------------------------------
P4_DEPTH = 7
P4_DEND_NSEG = 8
P4_AXON_NSEG = 1000
P4 = Problem(
    key="P4",
    title="branched: HH soma + 1 mm HH axon + 127-section passive binary tree, 2017 compartments, dt 25 us",
    tstop_ms=100.0, quick_tstop_ms=20.0, dt_ms=0.025,
    compartments=1 + (2**P4_DEPTH - 1) * P4_DEND_NSEG + P4_AXON_NSEG, n_cells=1,
    recordings=("v_soma", "v_axon_end"),
    params=dict(
        soma_diam_um=SOMA_DIAM_UM, depth=P4_DEPTH, dend_length_um=100.0, dend_root_diam_um=4.0,
        dend_diam_factor=2.0 ** (-2.0 / 3.0), dend_nseg=P4_DEND_NSEG,
        axon_length_um=1000.0, axon_diam_um=1.0, axon_nseg=P4_AXON_NSEG,
        stim_nA=0.8,  # 0.5 nA gives two spikes and then rest; 0.8 nA a regular axonal train (8 in 100 ms)
    ),
)


def p4_dendrites() -> list[tuple[str, str, int, float, float]]:
    """(name, parent, level, length_um, diam_um) of each tree section, in ranvier's naming (b{level}_{i}).

    The root b0_0 hangs on the soma's 0 end; every other section on its parent's 1 end.
    """
    p = P4.params
    out = []
    for level in range(p["depth"]):
        d = p["dend_root_diam_um"] * p["dend_diam_factor"] ** level
        for i in range(2**level):
            parent = "soma" if level == 0 else f"b{level - 1}_{i // 2}"
            out.append((f"b{level}_{i}", parent, level, p["dend_length_um"], d))
    return out


PROBLEMS: dict[str, Problem] = {p.key: p for p in (P1, P2, P3, P4)}

# Which peers can run which problem (all of them, today).
SIMULATORS = ("ranvier", "neuron", "arbor")
