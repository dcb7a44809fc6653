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
        self.gate_memo: dict = {}
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
        hit = self.gate_memo.get(gate)
        if hit is not None:
            return hit
        key = (gate.kind, tuple((f.code, *f.params) for f in gate.forms))
        if key not in self.type_rows:
            self.type_rows[key] = len(self.type_rows)
        self.gate_memo[gate] = self.type_rows[key]
        return self.type_rows[key]


def _node_major(b: _Builder, layout: Layout) -> None:
    """Reorder channel and gate instances node by node (channels in placement order within a node).

    The engine then visits each node once per step, reading its voltage and table position
    once for all the gates there and summing its conductances in registers.
    """
    c = b.chan
    nch = len(c["node"])
    if nch == 0:
        return
    order = np.argsort(np.asarray(c["node"], np.int64), kind="stable")
    new_of_old = np.empty(nch, np.int64)
    new_of_old[order] = np.arange(nch)
    old_gstart = list(c["gstart"])
    gate_cols = (b.gate_node, b.gate_type, b.gate_phi, b.gate_power)
    new_gates: list[list] = [[], [], [], []]
    gate_new_of_old: dict[int, int] = {}
    new_gstart = []
    for old in order:
        new_gstart.append(len(new_gates[0]))
        for j in range(c["gcount"][old]):
            k = old_gstart[old] + j
            gate_new_of_old[k] = len(new_gates[0])
            for col, dst in zip(gate_cols, new_gates):
                dst.append(col[k])
    for key in c:
        if key != "gstart":
            c[key] = [c[key][old] for old in order]
    c["gstart"] = new_gstart
    b.gate_node, b.gate_type, b.gate_phi, b.gate_power = new_gates
    for node, chans in layout.node_channels.items():
        for name, (g0, ci, ch) in list(chans.items()):
            chans[name] = (gate_new_of_old.get(g0, g0) if ch.gates else new_gstart[new_of_old[ci]], int(new_of_old[ci]), ch)


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
    _node_major(b, layout)

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

    # per-cell orderings and precomputed matrix pieces ---------------------------------------
    ncell = len(cells)
    node_cell = np.asarray(b.cell, np.int64)
    parent = np.asarray(b.parent, np.int64)
    gax = np.asarray(b.gax, np.float64)
    n = parent.shape[0]
    has_parent = parent >= 0
    offd = np.where(has_parent, -gax, 0.0)
    gax_diag = np.where(has_parent, gax, 0.0) + np.bincount(
        parent[has_parent], weights=gax[has_parent], minlength=n
    )
    ch = b.chan
    law = np.asarray(ch["law"], np.int64)
    gcount = np.asarray(ch["gcount"], np.int64)
    cnode = np.asarray(ch["node"], np.int64)
    static = (law == LAW_OHMIC) & (gcount == 0)
    gm = np.asarray(ch["gmax"], np.float64)
    er = np.asarray(ch["erev"], np.float64)
    g_static = np.bincount(cnode[static], weights=gm[static], minlength=n) if n else np.zeros(0)
    e_static = np.bincount(cnode[static], weights=(gm * er)[static], minlength=n) if n else np.zeros(0)
    dyn = np.nonzero(~static)[0]
    dyn = dyn[np.argsort(node_cell[cnode[dyn]], kind="stable")] if dyn.size else dyn.astype(np.int64)

    def csr(cell_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(cell_of, kind="stable").astype(np.int64)
        start = np.searchsorted(cell_of[order], np.arange(ncell + 1)).astype(np.int64)
        return start, order

    cell_node_start = np.asarray([r[0] for r in layout.cell_node_range] + [n], np.int64)
    gate_cell = node_cell[np.asarray(b.gate_node, np.int64)] if b.gate_node else np.zeros(0, np.int64)
    cell_gate_start = np.searchsorted(gate_cell, np.arange(ncell + 1)).astype(np.int64)
    node_dyn_start = np.searchsorted(cnode[dyn] if dyn.size else np.zeros(0, np.int64), np.arange(n + 1)).astype(np.int64)
    cell_dyn_start = np.searchsorted(node_cell[cnode[dyn]] if dyn.size else np.zeros(0, np.int64),
                                     np.arange(ncell + 1)).astype(np.int64)
    cell_ic_start, ic_order = csr(np.asarray(ic["cell"], np.int64))
    cell_vc_start, vc_order = csr(np.asarray(vc["cell"], np.int64))
    jumps_sorted = sorted((c_, t_) for (t_, c_) in jumps)
    jump_cell = np.asarray([j[0] for j in jumps_sorted], np.int64)
    jump_t = np.asarray([j[1] for j in jumps_sorted], np.float64)
    cell_jump_start = np.searchsorted(jump_cell, np.arange(ncell + 1)).astype(np.int64)
    rec_cell = []
    for kind, idx in zip(rk, ri):
        if kind == 0 or kind == 2:
            rec_cell.append(node_cell[idx])
        elif kind == 1:
            rec_cell.append(gate_cell[idx])
        else:
            rec_cell.append(vc["cell"][idx])
    cell_rec_start, rec_order = csr(np.asarray(rec_cell, np.int64))

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
        parent=parent, cap_nF=F(b.cap), g_axial_uS=gax, area_cm2=F(b.area), node_cell=node_cell,
        offd=offd, gax_diag=gax_diag, g_static=g_static, e_static=e_static,
        cell_node_start=cell_node_start, cell_gate_start=cell_gate_start, cell_dyn_start=cell_dyn_start,
        node_dyn_start=node_dyn_start,
        dyn_chan=I(dyn), cell_ic_start=cell_ic_start, ic_order=ic_order, cell_vc_start=cell_vc_start,
        vc_order=vc_order, cell_jump_start=cell_jump_start, cell_rec_start=cell_rec_start, rec_order=rec_order,
        type_kind=type_kind, type_form=type_form, type_par=type_par,
        gate_node=I(b.gate_node), gate_type=I(b.gate_type), gate_phi=F(b.gate_phi), gate_power=I(b.gate_power),
        chan_node=I(c["node"]), chan_law=I(c["law"]), chan_gmax=F(c["gmax"]), chan_erev=F(c["erev"]),
        chan_z=F(c["z"]), chan_cin=F(c["cin"]), chan_cout=F(c["cout"]), chan_vt=F(c["vt"]),
        chan_gate_start=I(c["gstart"]), chan_gate_count=I(c["gcount"]),
        ic_node=I(ic["node"]), ic_start=I(ic["start"]), ic_count=I(ic["count"]), ic_interp=I(ic["interp"]), ic_cell=I(ic["cell"]),
        vc_node=I(vc["node"]), vc_g_uS=F(vc["g"]), vc_start=I(vc["start"]), vc_count=I(vc["count"]),
        vc_interp=I(vc["interp"]), vc_cell=I(vc["cell"]),
        wave_t=F(wave_t) if wave_t else np.zeros(1), wave_y=F(wave_y) if wave_y else np.zeros(1),
        jump_t=jump_t, jump_cell=jump_cell,
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
