"""The flat arrays the kernels read: the only bridge from a model description into numerics.

The kernels' unit of work is a group of cells joined by synapses (a single cell when none
are): the ``cell_*`` arrays and ``node_cell`` refer to these groups.

All quantities are in kernel units: mV, ms, nA, uS, nF, cm2, mM. Node order has
``parent[i] < i`` and roots have ``parent == -1``; many cells are simply a forest.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class KernelModel(NamedTuple):
    # nodes
    parent: np.ndarray  # int32[n]
    cap_nF: np.ndarray  # float64[n], 0 for zero-area junction nodes
    g_axial_uS: np.ndarray  # float64[n], conductance to parent (0 for roots)
    area_cm2: np.ndarray  # float64[n]
    node_cell: np.ndarray  # int32[n], which cell of the batch
    offd: np.ndarray  # float64[n], -g_axial (the matrix entry coupling i and parent[i])
    gax_diag: np.ndarray  # float64[n], sum of the axial conductances meeting at node i (uS)
    g_static: np.ndarray  # float64[n], summed conductance of gateless ohmic channels (uS)
    e_static: np.ndarray  # float64[n], their summed g*E (nA)
    # per-cell ranges (CSR, ncell + 1 entries): nodes, gates, and orderings of other lists by cell
    cell_node_start: np.ndarray
    cell_gate_start: np.ndarray
    cell_dyn_start: np.ndarray  # into dyn_chan
    dyn_chan: np.ndarray  # int32: channel instances with gates or a GHK law, node by node
    node_dyn_start: np.ndarray  # int32[n + 1], into dyn_chan: the dynamic channels of each node
    cell_ic_start: np.ndarray  # into ic_order
    ic_order: np.ndarray
    cell_vc_start: np.ndarray  # into vc_order
    vc_order: np.ndarray
    cell_jump_start: np.ndarray  # into jump_t / jump_cell (sorted by cell, then time)
    cell_rec_start: np.ndarray  # into rec_order
    rec_order: np.ndarray
    # gate types (rate table rows)
    type_kind: np.ndarray  # int64[ntypes]
    type_form: np.ndarray  # int64[ntypes, 2]
    type_par: np.ndarray  # float64[ntypes, 2, 3]
    # gate instances
    gate_node: np.ndarray  # int32[ng]
    gate_type: np.ndarray  # int32[ng]
    gate_phi: np.ndarray  # float64[ng], temperature factor on rates
    gate_power: np.ndarray  # int32[ng]
    # channel instances
    chan_node: np.ndarray  # int32[nc]
    chan_law: np.ndarray  # int32[nc], 0 ohmic, 1 GHK
    chan_gmax: np.ndarray  # float64[nc], uS (ohmic) or P*area*1e6 (GHK)
    chan_erev: np.ndarray  # float64[nc], mV (ohmic)
    chan_z: np.ndarray  # float64[nc]
    chan_cin: np.ndarray  # float64[nc], mM
    chan_cout: np.ndarray  # float64[nc], mM
    chan_vt: np.ndarray  # float64[nc], RT/F in mV
    chan_gate_start: np.ndarray  # int32[nc]
    chan_gate_count: np.ndarray  # int32[nc]
    # current clamps
    ic_node: np.ndarray  # int64[nic]
    ic_start: np.ndarray  # int64[nic]
    ic_count: np.ndarray  # int64[nic]
    ic_interp: np.ndarray  # int64[nic]
    ic_cell: np.ndarray  # int64[nic]
    # voltage clamps
    vc_node: np.ndarray  # int64[nvc]
    vc_g_uS: np.ndarray  # float64[nvc], 1 / series resistance
    vc_start: np.ndarray
    vc_count: np.ndarray
    vc_interp: np.ndarray
    vc_cell: np.ndarray
    # breakpoints shared by all waveforms
    wave_t: np.ndarray  # float64
    wave_y: np.ndarray  # float64
    jump_t: np.ndarray  # float64, times where a waveform jumps, by cell then time
    jump_cell: np.ndarray  # int64, the cell whose stimulus jumps then
    # recording plan: kind 0 node voltage, 1 gate state, 2 ion current density, 3 clamp current
    rec_kind: np.ndarray  # int64[nrec]
    rec_index: np.ndarray  # int64[nrec], node / gate / clamp index
    rec_list_start: np.ndarray  # int64[nrec], into rec_list (kind 2)
    rec_list_count: np.ndarray  # int64[nrec]
    rec_list: np.ndarray  # int64, channel instances summed by kind 2
    rec_list_w: np.ndarray  # float64, share of the recorded ion in each listed channel's conductance
    rec_list_e: np.ndarray  # float64, reversal potential (mV) of that ion for that channel (ohmic)
    # ligand-gated receptors, Ca2+ pools, release into clefts (see ranvier.synapse)
    gate_src: np.ndarray  # int32[ng], transmitter source of a ligand gate, -1 otherwise
    chan_pool: np.ndarray  # int32[nc], Ca2+ pool whose [Ca] is the channel's inside concentration, -1 if fixed
    node_pool: np.ndarray  # int32[n], pool on the node's membrane, -1 if none
    pool_node: np.ndarray  # int64[npool]
    pool_depth_um: np.ndarray
    pool_tau_ms: np.ndarray
    pool_free: np.ndarray  # free fraction 1 / (1 + buffer capacity)
    pool_rest_mM: np.ndarray
    pool_cleft_start: np.ndarray  # int64[npool + 1], into cleft_order: the clefts each pool releases into
    cleft_order: np.ndarray
    cleft_par: np.ndarray  # float64[ncleft, 6]: kd mM, hill, k_max 1/ms, tau_rec ms, mM per pool, tau_clear ms
    src_kind: np.ndarray  # int64[nsrc]: 0 transmitter waveform (spike train), 1 cleft
    src_cleft: np.ndarray
    src_wstart: np.ndarray  # breakpoints of a waveform source in wave_t / wave_y
    src_wcount: np.ndarray
    cell_src_start: np.ndarray  # int64[ngroups + 1], sources grouped like cells


def empty_int(n: int = 0) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


def empty_float(n: int = 0) -> np.ndarray:
    return np.zeros(n, dtype=np.float64)


# Index arrays with an entry per node, channel or gate instance are int32 (2**31 instances is far
# beyond any model here): they are most of the lowered model's integer memory (P3: 300,000
# channel and 300,000 gate instances, 12.7 MiB less). Everything else stays int64.
INDEX32_FIELDS = ("parent", "node_cell", "node_dyn_start", "dyn_chan", "node_pool",
                  "gate_node", "gate_type", "gate_power", "gate_src",
                  "chan_node", "chan_law", "chan_gate_start", "chan_gate_count", "chan_pool")


def with_index32(m: KernelModel) -> KernelModel:
    """``m`` with the INDEX32_FIELDS as int32 (the dtypes every kernel is compiled for)."""
    return m._replace(**{f: np.asarray(getattr(m, f), dtype=np.int32) for f in INDEX32_FIELDS})

