"""Description -> flat arrays: the only bridge from the model into the numerical core.

Discretisation follows NEURON's (Hines & Carnevale 1997, Neural Comput 9:1179): a
section of ``nseg`` compartments has one node at the centre of each compartment,
which carries that compartment's membrane, plus a zero-area node at each end where
sections join. Joining a child at a parent's interior point attaches it to the
centre node of the compartment that holds the point.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np

from ranvier.cell import Cell
from ranvier.errors import RanvierError, check_name
from ranvier.mechanisms.channel import Channel
from ranvier.numerics.arrays import KernelModel
from ranvier.numerics.membrane import LAW_GHK, LAW_OHMIC
from ranvier.site import Site
from ranvier.stimulus import CurrentClamp, VoltageClamp, Waveform

UM2_TO_CM2 = 1e-8
UM_TO_CM = 1e-4
ION_CURRENTS = ("na", "k", "cl", "ca", "nonspecific")


@dataclass
class SectionNodes:
    start: int  # node index of the first compartment centre
    nseg: int
    node0: int  # node at x = 0 (where the section attaches)
    node1: int  # zero-area node at x = 1


@dataclass
class Layout:
    """Where everything of the description ended up in the arrays."""

    cell_of_node: np.ndarray
    cell_node_range: list[tuple[int, int]]
    sections: list[dict[str, SectionNodes]]
    # per node: {channel name: (first gate instance, channel instance)}
    node_channels: dict[int, dict[str, tuple[int, int, Channel]]] = field(default_factory=dict)
    n_gates: int = 0

    def voltage_node(self, site: Site) -> int:
        sn = self.sections[site.cell][site.section]
        if site.x == 0.0:
            return sn.node0
        if site.x == 1.0:
            return sn.node1
        return sn.start + min(int(site.x * sn.nseg), sn.nseg - 1)

    def membrane_node(self, site: Site) -> int:
        """The compartment centre whose membrane holds ``site`` (ends map to the end compartments)."""
        sn = self.sections[site.cell][site.section]
        return sn.start + min(int(site.x * sn.nseg), sn.nseg - 1)


class _Builder:
    def __init__(self) -> None:
        self.parent: list[int] = []
        self.cap: list[float] = []
        self.gax: list[float] = []
        self.area: list[float] = []
        self.cell: list[int] = []
        self.type_rows: dict[tuple, int] = {}
        self.gate_node: list[int] = []
        self.gate_type: list[int] = []
        self.gate_phi: list[float] = []
        self.gate_power: list[int] = []
        self.chan: dict[str, list] = {k: [] for k in ("node", "law", "gmax", "erev", "z", "cin", "cout", "vt", "gstart", "gcount", "ion")}

    def node(self, parent: int, cap_nF: float, g_uS: float, area_cm2: float, cell: int) -> int:
        self.parent.append(parent)
        self.cap.append(cap_nF)
        self.gax.append(g_uS)
        self.area.append(area_cm2)
        self.cell.append(cell)
        return len(self.parent) - 1

    def gate_type_index(self, gate) -> int:
        forms = gate.forms
        key = (gate.kind, tuple((f.code, *f.params) for f in forms))
        if key not in self.type_rows:
            self.type_rows[key] = len(self.type_rows)
        return self.type_rows[key]


def _axial_uS(Ra_ohm_cm: float, length_um: float, diam_um: float) -> float:
    r_ohm = Ra_ohm_cm * (length_um * UM_TO_CM) / (math.pi * (0.5 * diam_um * UM_TO_CM) ** 2)
    return 1e6 / r_ohm


def assemble(
    cells: tuple[Cell, ...],
    stimuli: tuple = (),
    recordings: tuple[tuple[str, Site], ...] = (),
) -> tuple[KernelModel, Layout, list[str]]:
    """Lower cells, stimuli and recordings to a :class:`KernelModel`.

    ``recordings`` are (variable, site) pairs with variables "v", "i_<ion>",
    "<channel>_<gate>" or "clamp_i_nA" (at a voltage-clamp site). Returns the
    model, the layout, and the unit of each recording.
    """
    b = _Builder()
    layout = Layout(cell_of_node=np.zeros(0, np.int64), cell_node_range=[], sections=[])
    for ci, cell in enumerate(cells):
        first = len(b.parent)
        secs: dict[str, SectionNodes] = {}
        rev = cell.reversal_potentials_mV()
        vt = cell.thermal_voltage_mV
        conc = cell.concentrations
        for sec in cell.morphology.sections:
            nseg = cell.discretization.nseg(sec)
            dx = sec.length_um / nseg
            if sec.parent is None:
                node0 = b.node(-1, 0.0, 0.0, 0.0, ci)
            else:
                psn = secs[sec.parent]
                if sec.parent_x == 0.0:
                    node0 = psn.node0
                elif sec.parent_x == 1.0:
                    node0 = psn.node1
                else:
                    node0 = psn.start + min(int(sec.parent_x * psn.nseg), psn.nseg - 1)
            g_half = _axial_uS(sec.Ra_ohm_cm, 0.5 * dx, sec.diam_um)
            g_full = _axial_uS(sec.Ra_ohm_cm, dx, sec.diam_um)
            area = math.pi * sec.diam_um * dx * UM2_TO_CM2
            cap = sec.cm_uF_cm2 * area * 1e3  # uF/cm2 * cm2 -> uF -> nF
            start = len(b.parent)
            prev = node0
            for k in range(nseg):
                prev = b.node(prev, cap, g_half if k == 0 else g_full, area, ci)
            node1 = b.node(prev, 0.0, g_half, 0.0, ci)
            secs[sec.name] = SectionNodes(start, nseg, node0, node1)
            channels = cell.channels_on(sec.name)
            for name, ch in channels.items():
                phi = ch.temperature_factor(cell.temperature_degC)
                for k in range(nseg):
                    node = start + k
                    gstart = len(b.gate_node)
                    for g in ch.gates:
                        b.gate_node.append(node)
                        b.gate_type.append(b.gate_type_index(g))
                        b.gate_phi.append(phi)
                        b.gate_power.append(g.power)
                    c = b.chan
                    c["node"].append(node)
                    c["gstart"].append(gstart)
                    c["gcount"].append(len(ch.gates))
                    c["ion"].append(ION_CURRENTS.index(ch.ion))
                    c["vt"].append(vt)
                    if ch.is_ghk:
                        z = {"na": 1, "k": 1, "cl": -1, "ca": 2}[ch.ion]
                        c["law"].append(LAW_GHK)
                        c["gmax"].append(ch.permeability_cm_s * area * 1e6)
                        c["erev"].append(0.0)
                        c["z"].append(float(z))
                        c["cin"].append(conc.inside(ch.ion))
                        c["cout"].append(conc.outside(ch.ion))
                    else:
                        c["law"].append(LAW_OHMIC)
                        c["gmax"].append(ch.gbar_S_cm2 * area * 1e6)  # S -> uS
                        c["erev"].append(ch.e_rev_mV if ch.e_rev_mV is not None else rev[ch.ion])
                        c["z"].append(0.0)
                        c["cin"].append(0.0)
                        c["cout"].append(0.0)
                    layout.node_channels.setdefault(node, {})[name] = (gstart, len(c["node"]) - 1, ch)
        layout.sections.append(secs)
        layout.cell_node_range.append((first, len(b.parent)))
    layout.cell_of_node = np.asarray(b.cell, np.int64)
    layout.n_gates = len(b.gate_node)

    # stimuli ------------------------------------------------------------------------------
    wave_t: list[float] = []
    wave_y: list[float] = []
    jumps: set[tuple[float, int]] = set()

    def add_wave(w: Waveform, cell: int) -> tuple[int, int, int]:
        s = len(wave_t)
        wave_t.extend(w.times_ms)
        wave_y.extend(w.values)
        jumps.update((t, cell) for t in w.jump_times_ms())
        return s, len(w.times_ms), 0 if w.interpolation == "step" else 1

    ic = {k: [] for k in ("node", "start", "count", "interp", "cell")}
    vc = {k: [] for k in ("node", "g", "start", "count", "interp", "cell")}
    for stim in stimuli:
        check_site(cells, stim.site, "stimulus site")
        node = layout.voltage_node(stim.site)
        s, n, interp = add_wave(stim.waveform, stim.site.cell)
        if isinstance(stim, CurrentClamp):
            for k, val in zip(ic, (node, s, n, interp, stim.site.cell)):
                ic[k].append(val)
        elif isinstance(stim, VoltageClamp):
            for k, val in zip(vc, (node, 1.0 / stim.series_resistance_MOhm, s, n, interp, stim.site.cell)):
                vc[k].append(val)
        else:
            raise RanvierError(f"stimuli must be CurrentClamp or VoltageClamp, got {stim!r}")

    # recordings ---------------------------------------------------------------------------
    rk, ri, rls, rlc, rl, units = [], [], [], [], [], []
    vclamps = [s for s in stimuli if isinstance(s, VoltageClamp)]
    for var, site in recordings:
        check_site(cells, site, "recording site")
        if var == "v":
            rk.append(0), ri.append(layout.voltage_node(site)), units.append("mV")
            rls.append(0), rlc.append(0)
        elif var.startswith("i_") and var[2:] in ION_CURRENTS:
            node = layout.membrane_node(site)
            ion = ION_CURRENTS.index(var[2:])
            members = [
                ch_idx for (g0, ch_idx, ch) in layout.node_channels.get(node, {}).values() if b.chan["ion"][ch_idx] == ion
            ]
            rk.append(2), ri.append(node), units.append("mA/cm2")
            rls.append(len(rl)), rlc.append(len(members))
            rl.extend(members)
        elif var == "clamp_i_nA":
            idx = [k for k, s in enumerate(vclamps) if s.site == site]
            if not idx:
                raise RanvierError(f"clamp_i_nA is recorded at a voltage-clamp site; there is none at {site.label}")
            rk.append(3), ri.append(idx[0]), units.append("nA")
            rls.append(0), rlc.append(0)
        else:
            node = layout.membrane_node(site)
            here = layout.node_channels.get(node, {})
            known = {f"{n}_{g.name}": (g0 + j) for n, (g0, _, ch) in here.items() for j, g in enumerate(ch.gates)}
            check_name(f"variable at {site.label}", var, set(known) | {"v", "clamp_i_nA"} | {f"i_{i}" for i in ION_CURRENTS})
            rk.append(1), ri.append(known[var]), units.append("1")
            rls.append(0), rlc.append(0)

    ntypes = len(b.type_rows)
    type_kind = np.zeros(ntypes, np.int64)
    type_form = np.zeros((ntypes, 2), np.int64)
    type_par = np.zeros((ntypes, 2, 3))
    for key, idx in b.type_rows.items():
        type_kind[idx] = key[0]
        for j, (code, p0, p1, p2) in enumerate(key[1]):
            type_form[idx, j] = code
            type_par[idx, j] = (p0, p1, p2)

    I = lambda x: np.asarray(x, dtype=np.int64)  # noqa: E731
    F = lambda x: np.asarray(x, dtype=np.float64)  # noqa: E731
    c = b.chan
    model = KernelModel(
        parent=I(b.parent), cap_nF=F(b.cap), g_axial_uS=F(b.gax), area_cm2=F(b.area), node_cell=I(b.cell),
        type_kind=type_kind, type_form=type_form, type_par=type_par,
        gate_node=I(b.gate_node), gate_type=I(b.gate_type), gate_phi=F(b.gate_phi), gate_power=I(b.gate_power),
        chan_node=I(c["node"]), chan_law=I(c["law"]), chan_gmax=F(c["gmax"]), chan_erev=F(c["erev"]),
        chan_z=F(c["z"]), chan_cin=F(c["cin"]), chan_cout=F(c["cout"]), chan_vt=F(c["vt"]),
        chan_gate_start=I(c["gstart"]), chan_gate_count=I(c["gcount"]),
        ic_node=I(ic["node"]), ic_start=I(ic["start"]), ic_count=I(ic["count"]), ic_interp=I(ic["interp"]), ic_cell=I(ic["cell"]),
        vc_node=I(vc["node"]), vc_g_uS=F(vc["g"]), vc_start=I(vc["start"]), vc_count=I(vc["count"]),
        vc_interp=I(vc["interp"]), vc_cell=I(vc["cell"]),
        wave_t=F(wave_t) if wave_t else np.zeros(1), wave_y=F(wave_y) if wave_y else np.zeros(1),
        jump_t=F([j[0] for j in sorted(jumps)]), jump_cell=I([j[1] for j in sorted(jumps)]),
        rec_kind=I(rk), rec_index=I(ri), rec_list_start=I(rls), rec_list_count=I(rlc),
        rec_list=I(rl) if rl else np.zeros(1, np.int64),
    )
    return model, layout, units


def check_site(cells: tuple[Cell, ...], site: Site, what: str) -> None:
    """The site must name an existing cell and section."""
    if site.cell >= len(cells):
        raise RanvierError(
            f"{what} {site.label}: cell index {site.cell} is outside the batch; allowed range is [0, {len(cells) - 1}]"
        )
    names = cells[site.cell].morphology.names
    if site.section not in names:
        check_name(f"section for {what}", site.section, names)


def model_hash(*parts: object) -> str:
    """A short content hash of a description (its dataclass reprs are deterministic)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(repr(p).encode())
    return h.hexdigest()[:16]
