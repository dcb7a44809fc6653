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
from ranvier.numerics.arrays import KernelModel, with_index32
from ranvier.numerics.membrane import LAW_GHK, LAW_OHMIC
from ranvier.site import Site
from ranvier.mechanisms.channel import Gate
from ranvier.mechanisms.forms import Constant
from ranvier.stimulus import CurrentClamp, VoltageClamp, Waveform
from ranvier.synapse import SpikeTrain, Terminal

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
    n_gates: int = 0
    # channel instances are stored node by node: their nodes (sorted), first gates and definitions
    chan_node: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    chan_gstart: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    chan_def: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    channel_defs: list[Channel] = field(default_factory=list)

    def channels_at(self, node: int) -> dict[str, tuple[int, int, Channel]]:
        """The channels at ``node``: name -> (first gate instance, channel instance, channel)."""
        lo = int(np.searchsorted(self.chan_node, node, "left"))
        hi = int(np.searchsorted(self.chan_node, node, "right"))
        return {self.channel_defs[self.chan_def[i]].name: (int(self.chan_gstart[i]), i, self.channel_defs[self.chan_def[i]])
                for i in range(lo, hi)}

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
    """Collects nodes and channel instances as NumPy blocks (one per section, or per section and channel)."""

    def __init__(self) -> None:
        self.n = 0
        self.node_blocks: list[tuple[np.ndarray, ...]] = []  # (parent, cap, gax, area, cell)
        self.type_rows: dict[tuple, int] = {}
        self.gate_memo: dict = {}
        self.defs: list[Channel] = []
        self.def_index: dict[int, int] = {}
        # one row per (section, channel): nodes and the values shared by the block
        self.blocks: list[tuple] = []
        # per block: the gates of one instance as (type row, power, transmitter source or -1)
        self.block_gates: list[list[tuple[int, int, int]]] = []
        # per block: conductance share and reversal (mV) of each ion in ION_CURRENTS, for recording
        self.block_split: list[tuple[tuple[float, ...], tuple[float, ...]]] = []

    def add_block(self, nodes, row: tuple, gates: list[tuple[int, int, int]], split) -> None:
        self.blocks.append((nodes, *row))
        self.block_gates.append(gates)
        self.block_split.append(split)

    def special_type(self, key: tuple) -> int:
        """Row of a gate type that is not a voltage-dependent rate pair (ligand or Mg2+ block)."""
        if key not in self.type_rows:
            self.type_rows[key] = len(self.type_rows)
        return self.type_rows[key]

    def nodes(self, parent, cap, gax, area, cell: int) -> int:
        """Append a block of nodes; returns the index of its first node."""
        first = self.n
        k = len(parent)

        def per_node(x):  # arrays of the right length as they are (broadcast_to costs ~10 us a call)
            a = np.asarray(x, float)
            return a if a.shape == (k,) else np.broadcast_to(a, (k,))

        self.node_blocks.append((np.asarray(parent, np.int32), per_node(cap), per_node(gax), per_node(area),
                                 np.full(k, cell, np.int32)))
        self.n += k
        return first

    def gate_type_index(self, gate) -> int:
        hit = self.gate_memo.get(gate)
        if hit is not None:
            return hit
        key = (gate.kind, tuple((f.code, *f.params) for f in gate.forms))
        if key not in self.type_rows:
            self.type_rows[key] = len(self.type_rows)
        self.gate_memo[gate] = self.type_rows[key]
        return self.type_rows[key]

    def channel_def(self, ch: Channel) -> int:
        key = id(ch)
        if key not in self.def_index:
            self.def_index[key] = len(self.defs)
            self.defs.append(ch)
        return self.def_index[key]

    def node_arrays(self) -> tuple[np.ndarray, ...]:
        if not self.node_blocks:
            return tuple(np.zeros(0, dt) for dt in (np.int32, float, float, float, np.int32))
        out = tuple(np.concatenate([blk[j] for blk in self.node_blocks]) for j in range(5))
        self.node_blocks = []  # (P3: 4 MiB that the rest of assembly no longer needs)
        return out

    def channel_arrays(self, layout: "Layout") -> dict[str, np.ndarray]:
        """Channel and gate instance arrays, node by node (channels in placement order within a node).

        The engine visits each node once per step, reading its voltage and table position
        once for all the gates there and summing its conductances in registers.
        """
        if not self.blocks:
            z = np.zeros(0, np.int64)
            zf = np.zeros(0)
            layout.channel_defs = self.defs
            return dict(node=z, law=z, gmax=zf, erev=zf, z=zf, cin=zf, cout=zf, vt=zf, gstart=z, gcount=z, ion=z,
                        gate_node=z, gate_type=z, gate_phi=zf, gate_power=z, gate_src=z,
                        split_w=np.zeros((0, len(ION_CURRENTS))), split_e=np.zeros((0, len(ION_CURRENTS))), blk=z)
        sizes = np.array([len(bl[0]) for bl in self.blocks])
        blk = np.repeat(np.arange(len(self.blocks), dtype=np.int32), sizes)
        node = np.concatenate([bl[0] for bl in self.blocks]).astype(np.int32)
        order = np.argsort(node, kind="stable")
        node = node[order]
        blk = blk[order]
        del order
        # each value is per block; instance arrays are made one at a time (P3: 300,000 instances,
        # 2.3 MiB per array), and the ion split stays per block (split_w[blk[c]])
        names = ("law", "gmax", "erev", "z", "cin", "cout", "vt", "ion", "gcount", "def", "phi")
        per_block = {name: np.array([bl[1 + j] for bl in self.blocks]) for j, name in enumerate(names)}
        dtypes = {"law": np.int32, "ion": np.int32, "gcount": np.int32, "def": np.int32}

        def col(name):
            return per_block[name].astype(dtypes.get(name, float), copy=False)[blk]

        gcount = col("gcount")
        gstart = np.concatenate(([0], np.cumsum(gcount)[:-1])).astype(np.int32)
        total = int(gcount.sum())
        maxg = max(1, int(gcount.max()))
        tmpl_type = np.zeros((len(self.blocks), maxg), np.int32)
        tmpl_power = np.zeros((len(self.blocks), maxg), np.int32)
        tmpl_src = np.full((len(self.blocks), maxg), -1, np.int32)
        for bi, gates in enumerate(self.block_gates):
            for gi, (row, power, src) in enumerate(gates):
                tmpl_type[bi, gi] = row
                tmpl_power[bi, gi] = power
                tmpl_src[bi, gi] = src
        inst_of_gate = np.repeat(np.arange(node.shape[0], dtype=np.int32), gcount)
        slot = np.arange(total, dtype=np.int32) - np.repeat(gstart, gcount)
        gblk = blk[inst_of_gate]
        gate_type = tmpl_type[gblk, slot]
        gate_power = tmpl_power[gblk, slot]
        gate_src = tmpl_src[gblk, slot]
        del gblk, slot
        gate_node = node[inst_of_gate]
        gate_phi = per_block["phi"].astype(float, copy=False)[blk[inst_of_gate]]
        del inst_of_gate
        layout.chan_node = node
        layout.chan_gstart = gstart
        layout.chan_def = col("def")
        layout.channel_defs = self.defs
        split_w = np.array([sp[0] for sp in self.block_split])
        split_e = np.array([sp[1] for sp in self.block_split])
        out = dict(
            node=node, law=col("law"), gmax=col("gmax"), erev=col("erev"), z=col("z"), cin=col("cin"),
            cout=col("cout"), vt=col("vt"), gstart=gstart, gcount=gcount, ion=col("ion"),
            gate_node=gate_node, gate_type=gate_type, gate_phi=gate_phi, gate_power=gate_power, gate_src=gate_src,
            split_w=split_w, split_e=split_e, blk=blk,
        )
        self.blocks = []  # their node lists (P3: 2.3 MiB) are in the arrays now
        return out


def _axial_uS(Ra_ohm_cm: float, length_um: float, diam_um: float) -> float:
    r_ohm = Ra_ohm_cm * (length_um * UM_TO_CM) / (math.pi * (0.5 * diam_um * UM_TO_CM) ** 2)
    return 1e6 / r_ohm


def cell_groups(n_cells: int, synapses: tuple = ()) -> list[int]:
    """Group index of each cell: cells joined by a terminal-driven synapse share a group.

    The engine integrates each group on its own (in parallel with the others); cells in a
    group step together so that transmitter released by one reaches the other.
    """
    root = list(range(n_cells))

    def find(a: int) -> int:
        while root[a] != a:
            root[a] = root[root[a]]
            a = root[a]
        return a

    for syn in synapses:
        if isinstance(syn.source, Terminal):
            a, b = find(syn.source.site.cell), find(syn.site.cell)
            if a != b:
                root[max(a, b)] = min(a, b)
    labels: dict[int, int] = {}
    return [labels.setdefault(find(c), len(labels)) for c in range(n_cells)]


def _split_for(ion_shares: dict[str, float], rev: dict[str, float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    w = tuple(float(ion_shares.get(i, 0.0)) for i in ION_CURRENTS)
    e = tuple(float(rev.get(i, 0.0)) for i in ION_CURRENTS)
    return w, e


def assemble(
    cells: tuple[Cell, ...],
    stimuli: tuple = (),
    recordings: tuple[tuple[str, Site], ...] = (),
    synapses: tuple = (),
) -> tuple[KernelModel, Layout, list[str]]:
    """Lower cells, stimuli, synapses and recordings to a :class:`KernelModel`.

    ``recordings`` are (variable, site) pairs with variables "v", "i_<ion>",
    "<channel>_<gate>", "ca_i_mM" (where a Ca2+ pool is painted) or "clamp_i_nA" (at a
    voltage-clamp site). Returns the model, the layout, and the unit of each recording.
    The kernel's unit of work is a group of cells (see :func:`cell_groups`); node,
    stimulus and recording arrays are ordered group by group.
    """
    b = _Builder()
    n_cells = len(cells)
    group = cell_groups(n_cells, synapses)
    n_groups = max(group) + 1 if group else 0
    layout = Layout(cell_of_node=np.zeros(0, np.int64), cell_node_range=[(0, 0)] * n_cells, sections=[{}] * n_cells)
    pools: dict[str, list] = {k: [] for k in ("node", "depth", "tau", "free", "rest")}
    for ci in sorted(range(n_cells), key=lambda c: (group[c], c)):
        cell = cells[ci]
        gi = group[ci]
        first = b.n
        secs: dict[str, SectionNodes] = {}
        rev = cell.reversal_potentials_mV()
        vt = cell.thermal_voltage_mV
        conc = cell.concentrations
        for sec in cell.morphology.sections:
            nseg = cell.discretization.nseg(sec)
            dx = sec.length_um / nseg
            if sec.parent is None:
                node0 = b.nodes([-1], 0.0, 0.0, 0.0, gi)
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
            start = b.n
            # nseg centres (each the child of the one before, the first of node0), then the x = 1 end
            parents = np.concatenate(([node0], np.arange(start, start + nseg)))
            caps = np.full(nseg + 1, cap)
            caps[-1] = 0.0
            gaxs = np.full(nseg + 1, g_full)
            gaxs[0] = gaxs[-1] = g_half
            areas = np.full(nseg + 1, area)
            areas[-1] = 0.0
            b.nodes(parents, caps, gaxs, areas, gi)
            secs[sec.name] = SectionNodes(start, nseg, node0, start + nseg)
            seg_nodes = np.arange(start, start + nseg, dtype=np.int64)
            pool = cell.pool_on(sec.name)
            if pool is not None:
                pools["node"].extend(seg_nodes.tolist())
                pools["depth"].extend([pool.depth_um] * nseg)
                pools["tau"].extend([pool.tau_ms] * nseg)
                pools["free"].extend([pool.free_fraction] * nseg)
                pools["rest"].extend([conc.ca_in_mM] * nseg)
            for name, ch in cell.channels_on(sec.name).items():
                phi = ch.temperature_factor(cell.temperature_degC)
                d = b.channel_def(ch)
                gates = [(b.gate_type_index(g), g.power, -1) for g in ch.gates]
                ion = ION_CURRENTS.index(ch.ion)
                if ch.is_ghk:
                    z = {"na": 1, "k": 1, "cl": -1, "ca": 2}[ch.ion]
                    row = (LAW_GHK, ch.permeability_cm_s * area * 1e6, 0.0, float(z), conc.inside(ch.ion),
                           conc.outside(ch.ion), vt, ion, len(ch.gates), d, phi)
                    split = _split_for({ch.ion: 1.0}, {})
                else:
                    erev = ch.e_rev_mV if ch.e_rev_mV is not None else rev[ch.ion]
                    row = (LAW_OHMIC, ch.gbar_S_cm2 * area * 1e6, erev, 0.0, 0.0, 0.0, vt, ion, len(ch.gates), d, phi)
                    split = _split_for({ch.ion: 1.0}, {ch.ion: erev})
                b.add_block(seg_nodes, row, gates, split)
        layout.sections[ci] = secs
        layout.cell_node_range[ci] = (first, b.n)
    parent, cap_nF, gax, area_cm2, node_cell = b.node_arrays()
    n_nodes = parent.shape[0]
    node_pool = np.full(n_nodes, -1, np.int64)
    node_pool[np.asarray(pools["node"], np.int64)] = np.arange(len(pools["node"]))

    # synapses: one channel instance each, gated by transmitter from a source -------------
    src: dict[str, list] = {k: [] for k in ("group", "kind", "cleft", "wstart", "wcount")}
    clefts: dict = {}
    cleft_rows: list[tuple] = []
    syn_waves: list[Waveform] = []
    for k in sorted(range(len(synapses)), key=lambda k: group[synapses[k].site.cell]):
        syn = synapses[k]
        check_site(cells, syn.site, f"synapse {k} site")
        cell = cells[syn.site.cell]
        node = layout.membrane_node(syn.site)
        rec = syn.receptor
        rev = cell.reversal_potentials_mV()
        s_idx = len(src["kind"])
        src["group"].append(group[syn.site.cell])
        if isinstance(syn.source, SpikeTrain):
            src["kind"].append(0)
            src["cleft"].append(-1)
            syn_waves.append(syn.source.waveform())
            src["wstart"].append(len(syn_waves) - 1)  # resolved to breakpoints below
            src["wcount"].append(0)
        else:
            term = syn.source
            check_site(cells, term.site, f"synapse {k} terminal")
            pnode = layout.membrane_node(term.site)
            if node_pool[pnode] < 0:
                raise RanvierError(
                    f"synapse {k}: the terminal at {term.site.label} has no CalciumPool; paint one on "
                    f"section {term.site.section!r} (with Ca2+ channels) so that it can release transmitter"
                )
            if term not in clefts:
                clefts[term] = len(cleft_rows)
                r_ = term.release
                cleft_rows.append((int(node_pool[pnode]), r_.kd_mM, r_.hill, r_.k_max_per_ms, r_.tau_recovery_ms,
                                   r_.cleft_mM_per_pool, r_.tau_clearance_ms))
            src["kind"].append(1)
            src["cleft"].append(clefts[term])
            src["wstart"].append(-1)
            src["wcount"].append(0)
        phi = rec.temperature_factor(cell.temperature_degC)
        gates = [(b.special_type((2, ((3, rec.alpha_per_mM_ms, rec.beta_per_ms, 0.0), (3, 0.0, 0.0, 1.0)))), 1, s_idx)]
        if rec.mg_block is not None:
            mg = cell.concentrations.mg_out_mM
            gates.append((b.special_type((3, ((3, rec.mg_block.k_mV, mg / rec.mg_block.kd_mM, 0.0), (3, 0.0, 0.0, 1.0)))), 1, -1))
        label = Channel(name=f"{rec.name}{k}", ion="nonspecific", e_rev_mV=rec.reversal_mV(rev), q10=1.0,
                        citation=rec.citation,
                        gates=tuple(Gate(nm, 1, alpha=Constant(1.0), beta=Constant(1.0)) for nm in ("r", "b")[: len(gates)]))
        d = b.channel_def(label)
        row = (LAW_OHMIC, syn.gmax_uS, rec.reversal_mV(rev), 0.0, 0.0, 0.0, cell.thermal_voltage_mV,
               ION_CURRENTS.index("nonspecific"), len(gates), d, phi)
        b.add_block(np.array([node], np.int64), row, gates, _split_for(dict(rec.ion_shares), rev))
    chan = b.channel_arrays(layout)
    # Ca2+ channels with the GHK law on a compartment with a pool read their inside [Ca] from it
    chan_pool = np.where((chan["law"] == LAW_GHK) & (chan["ion"] == ION_CURRENTS.index("ca")), node_pool[chan["node"]], -1)
    layout.cell_of_node = node_cell
    layout.n_gates = int(chan["gate_node"].shape[0])

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

    # transmitter pulses of spike-train synapses (a jump in transmitter does not jump the
    # conductance, which follows through the binding kinetics, so no damping is needed)
    for q in range(len(src["kind"])):
        if src["kind"][q] == 0:
            w = syn_waves[src["wstart"][q]]
            src["wstart"][q] = len(wave_t)
            src["wcount"][q] = len(w.times_ms)
            wave_t.extend(w.times_ms)
            wave_y.extend(w.values)

    ic = {k: [] for k in ("node", "start", "count", "interp", "cell")}
    vc = {k: [] for k in ("node", "g", "start", "count", "interp", "cell")}
    for stim in stimuli:
        check_site(cells, stim.site, "stimulus site")
        node = layout.voltage_node(stim.site)
        g_ = group[stim.site.cell]
        s, n, interp = add_wave(stim.waveform, g_)
        if isinstance(stim, CurrentClamp):
            for k, val in zip(ic, (node, s, n, interp, g_)):
                ic[k].append(val)
        elif isinstance(stim, VoltageClamp):
            for k, val in zip(vc, (node, 1.0 / stim.series_resistance_MOhm, s, n, interp, g_)):
                vc[k].append(val)
        else:
            raise RanvierError(f"stimuli must be CurrentClamp or VoltageClamp, got {stim!r}")

    # recordings ---------------------------------------------------------------------------
    rk, ri, rls, rlc, rl, rlw, rle, units = [], [], [], [], [], [], [], []
    vclamps = [s for s in stimuli if isinstance(s, VoltageClamp)]
    for var, site in recordings:
        check_site(cells, site, "recording site")
        if var == "v":
            rk.append(0), ri.append(layout.voltage_node(site)), units.append("mV")
            rls.append(0), rlc.append(0)
        elif var.startswith("i_") and var[2:] in ION_CURRENTS:
            node = layout.membrane_node(site)
            ion = ION_CURRENTS.index(var[2:])
            cblk = chan["blk"]
            members = [ch_idx for (g0, ch_idx, ch) in layout.channels_at(node).values()
                       if chan["split_w"][cblk[ch_idx], ion] > 0]
            rk.append(2), ri.append(node), units.append("mA/cm2")
            rls.append(len(rl)), rlc.append(len(members))
            rl.extend(members)
            rlw.extend(float(chan["split_w"][cblk[m_], ion]) for m_ in members)
            rle.extend(float(chan["split_e"][cblk[m_], ion]) for m_ in members)
        elif var == "ca_i_mM":
            pool_idx = int(node_pool[layout.membrane_node(site)])
            if pool_idx < 0:
                raise RanvierError(f"ca_i_mM is recorded where a CalciumPool is painted; there is none at {site.label}")
            rk.append(4), ri.append(pool_idx), units.append("mM")
            rls.append(0), rlc.append(0)
        elif var == "clamp_i_nA":
            idx = [k for k, s in enumerate(vclamps) if s.site == site]
            if not idx:
                raise RanvierError(f"clamp_i_nA is recorded at a voltage-clamp site; there is none at {site.label}")
            rk.append(3), ri.append(idx[0]), units.append("nA")
            rls.append(0), rlc.append(0)
        else:
            node = layout.membrane_node(site)
            here = layout.channels_at(node)
            known = {f"{n}_{g.name}": (g0 + j) for n, (g0, _, ch) in here.items() for j, g in enumerate(ch.gates)}
            check_name(f"variable at {site.label}", var,
                       set(known) | {"v", "clamp_i_nA", "ca_i_mM"} | {f"i_{i}" for i in ION_CURRENTS})
            rk.append(1), ri.append(known[var]), units.append("1")
            rls.append(0), rlc.append(0)

    # per-group orderings and precomputed matrix pieces --------------------------------------
    ncell = n_groups
    n = parent.shape[0]
    has_parent = parent >= 0
    offd = np.where(has_parent, -gax, 0.0)
    gax_diag = np.where(has_parent, gax, 0.0) + np.bincount(
        parent[has_parent], weights=gax[has_parent], minlength=n
    )
    law = chan["law"]
    gcount = chan["gcount"]
    cnode = chan["node"]
    static = (law == LAW_OHMIC) & (gcount == 0)
    gm = chan["gmax"]
    er = chan["erev"]
    g_static = np.bincount(cnode[static], weights=gm[static], minlength=n).astype(np.float64)  # float even if none
    e_static = np.bincount(cnode[static], weights=(gm * er)[static], minlength=n).astype(np.float64)
    dyn = np.nonzero(~static)[0]
    dyn = dyn[np.argsort(node_cell[cnode[dyn]], kind="stable")] if dyn.size else dyn.astype(np.int64)

    def csr(cell_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(cell_of, kind="stable").astype(np.int64)
        start = np.searchsorted(cell_of[order], np.arange(ncell + 1)).astype(np.int64)
        return start, order

    cell_node_start = np.searchsorted(node_cell, np.arange(ncell + 1)).astype(np.int64)  # nodes are group by group
    gate_cell = node_cell[chan["gate_node"]]
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
        elif kind == 3:
            rec_cell.append(vc["cell"][idx])
        else:
            rec_cell.append(node_cell[pools["node"][idx]])
    cell_rec_start, rec_order = csr(np.asarray(rec_cell, np.int64))

    cleft_pool = np.asarray([r_[0] for r_ in cleft_rows], np.int64)
    cleft_par = np.asarray([r_[1:] for r_ in cleft_rows], np.float64).reshape(len(cleft_rows), 6)
    cleft_order = np.argsort(cleft_pool, kind="stable").astype(np.int64)
    pool_cleft_start = np.searchsorted(cleft_pool[cleft_order], np.arange(len(pools["node"]) + 1)).astype(np.int64)
    cell_src_start = np.searchsorted(np.asarray(src["group"], np.int64), np.arange(ncell + 1)).astype(np.int64)

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
    J = lambda x: np.asarray(x, dtype=np.int32)  # noqa: E731  (see arrays.INDEX32_FIELDS)
    c = chan
    model = KernelModel(
        parent=parent, cap_nF=F(cap_nF), g_axial_uS=gax, area_cm2=F(area_cm2), node_cell=node_cell,
        offd=offd, gax_diag=gax_diag, g_static=g_static, e_static=e_static,
        cell_node_start=cell_node_start, cell_gate_start=cell_gate_start, cell_dyn_start=cell_dyn_start,
        node_dyn_start=node_dyn_start,
        dyn_chan=J(dyn), cell_ic_start=cell_ic_start, ic_order=ic_order, cell_vc_start=cell_vc_start,
        vc_order=vc_order, cell_jump_start=cell_jump_start, cell_rec_start=cell_rec_start, rec_order=rec_order,
        type_kind=type_kind, type_form=type_form, type_par=type_par,
        gate_node=J(c["gate_node"]), gate_type=J(c["gate_type"]), gate_phi=F(c["gate_phi"]), gate_power=J(c["gate_power"]),
        chan_node=J(c["node"]), chan_law=J(c["law"]), chan_gmax=F(c["gmax"]), chan_erev=F(c["erev"]),
        chan_z=F(c["z"]), chan_cin=F(c["cin"]), chan_cout=F(c["cout"]), chan_vt=F(c["vt"]),
        chan_gate_start=J(c["gstart"]), chan_gate_count=J(c["gcount"]),
        ic_node=I(ic["node"]), ic_start=I(ic["start"]), ic_count=I(ic["count"]), ic_interp=I(ic["interp"]), ic_cell=I(ic["cell"]),
        vc_node=I(vc["node"]), vc_g_uS=F(vc["g"]), vc_start=I(vc["start"]), vc_count=I(vc["count"]),
        vc_interp=I(vc["interp"]), vc_cell=I(vc["cell"]),
        wave_t=F(wave_t) if wave_t else np.zeros(1), wave_y=F(wave_y) if wave_y else np.zeros(1),
        jump_t=jump_t, jump_cell=jump_cell,
        rec_kind=I(rk), rec_index=I(ri), rec_list_start=I(rls), rec_list_count=I(rlc),
        rec_list=I(rl) if rl else np.zeros(1, np.int64),
        rec_list_w=F(rlw) if rlw else np.zeros(1), rec_list_e=F(rle) if rle else np.zeros(1),
        gate_src=J(c["gate_src"]), chan_pool=J(chan_pool), node_pool=node_pool,
        pool_node=I(pools["node"]), pool_depth_um=F(pools["depth"]), pool_tau_ms=F(pools["tau"]),
        pool_free=F(pools["free"]), pool_rest_mM=F(pools["rest"]),
        pool_cleft_start=pool_cleft_start, cleft_order=cleft_order, cleft_par=cleft_par,
        src_kind=I(src["kind"]), src_cleft=I(src["cleft"]), src_wstart=I(src["wstart"]), src_wcount=I(src["wcount"]),
        cell_src_start=cell_src_start,
    )
    return with_index32(model), layout, units


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
