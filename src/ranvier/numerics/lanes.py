"""The lane engine: the same time loop as :mod:`ranvier.numerics.engine`, run on W chains at once.

Why it exists. The general engine visits one node at a time. Two things then bound it:
the Hines elimination is a recurrence along the cable (each node waits for the division
at the node before it, so the solve runs at the latency of divide-multiply-subtract, not
at the machine's throughput), and every node decodes its own channel list. When many
nodes share one membrane "signature" (the same channels, gates, tables and powers) and
the tree can be cut into W pieces of the same shape, both costs go away:

* state sits in ``[position, lane]`` order (lanes innermost). Gates and channels are
  flat loops over a block's slots with one structure for all, and the solve's W
  independent recurrences fill the pipeline that one recurrence leaves empty (the
  loops are scalar: LLVM does not vectorise the rate-table gathers, measured);
* **independent lanes** (``chained == False``): cells of identical structure, LANES = 8
  per block, blocks in parallel on threads (a batch is sorted into classes of
  identical cells; classes too small for lanes run on the general engine);
* **one lane** (W = 1): a single branched cell. No lanes to interleave, but the flat
  gate and channel passes (no per-node decoding) still pay (P4: 0.148 -> 0.103 s);
  the solve is the general engine's tree solve, or, when the tree has two large parts
  joined only near the root (an axon beside the dendrites), both parts eliminated side
  by side in one loop (:func:`ranvier.numerics.hines.hines_solve_two`; P4 22 -> 13 us a step);
* **chained lanes** (``chained == True``): one long unbranched cable cut into
  CHAIN_LANES = 32 segments. Each segment is eliminated on its own, carrying the unknown
  voltage of the next segment's first node as a second right-hand side (a "spike"
  column, as in the SPIKE partitioned solver of Polizzi & Sameh 2006); a small W x W
  tridiagonal system for the segments' first nodes then joins them and a last sweep
  recovers every node. The arithmetic is that of Gaussian elimination in another order,
  so results agree with the general engine to rounding (the tests hold it to 1e-7 mV;
  observed ~1e-9 mV over several spikes).

The schemes, step order, stimuli, recordings, Crank-Nicolson damping and rate tables
are the general engine's (see its docstring); :func:`plan_lanes` decides whether a
lowered model fits (ohmic channels with tabulated voltage-gated gates, current clamps,
recordings of v and gate states, no synapses, pools or voltage clamps; for Crank-Nicolson
batches, stimulus jumps at the same times in every cell) and returns ``None`` when it
does not, in which case the general engine runs."""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
from numba import literally, njit, types
from numba.extending import overload

from ranvier.numerics.jit import kernel

from ranvier.numerics.engine import JUMP_EPS, integrate, step_scheme
from ranvier.numerics.hines import hines_solve_fast, hines_solve_two
from ranvier.numerics.pool import run_split
from ranvier.numerics.rates import gate_inf_rate
from ranvier.numerics.status import NONFINITE_VOLTAGE, OK
from ranvier.numerics.waveform import wave_at

# Lanes per block, a compile-time constant of the kernel (numba specialises it per value,
# so its loops over lanes are unrolled). Measured on P3 and P1 (ns per node-step, one
# thread): batches 9.3 with 8 lanes, 9.8 with 16; one cable 11.7 with 8 lanes, 11.5 with
# 16, 10.9 with 32 (its segments' recurrences are longer, so more of them in flight pays).
LANES = 8  # batches of identical cells
CHAIN_LANES = 32  # segments of one long cable
# smallest problems worth the lane layout (below these the general engine is as fast)
MIN_CHAIN_NODES = 256
MIN_BATCH_CELLS = LANES
MIN_TREE_NODES = 64  # a single branched cell runs in one lane from this size

# Hot loops index with unsigned integers: numba guards every signed index against a negative
# value (Python's a[-1]) with a compare and a select, which here is a third of a gate update's
# instructions. Unsigned indices skip the guard (measured, one thread: P3 10.0 -> 8.2 and P1
# 11.2 -> 9.0 ns per node-step). Mixed signed/unsigned arithmetic would give a float in numba,
# so an index expression is unsigned throughout.
U = np.uint64


class LaneModel(NamedTuple):
    """One block per row of the 2-D arrays; flat index of (position p, lane l) is p * W + l."""

    n_pos: int  # positions per lane
    lanes: int  # W, lanes per block
    n_chan: int  # channels per signature
    n_gate: int  # gates per signature
    chained: bool
    parent_pos: np.ndarray  # int64[P]: parent position within the lane (independent lanes)
    split_j: int  # one lane: the tree's two parts solved side by side (hines_solve_two): positions
    split_a: int  # split_a.. hang from split_j, split_j+1..split_a-1 are the other part; split_a 0: no split
    run_lo: np.ndarray  # int64: first slot of each run of positions whose lanes carry the channels
    run_hi: np.ndarray  # int64: one past its last slot
    cap_nF: np.ndarray  # float64[nb, P*W]
    gsum0_uS: np.ndarray  # float64[nb, P*W]: axial + static conductance on the diagonal
    e_static: np.ndarray  # float64[nb, P*W]: static g*E (nA)
    offd: np.ndarray  # float64[nb, P*W]: coupling to the parent (chained: position 0 couples to the lane before)
    gmax: np.ndarray  # float64[nb, C*P*W], uS (0 where a slot has no channels), channel-major
    erev: np.ndarray  # float64[nb, C*P*W], mV
    chan_g0: np.ndarray  # int64[C]: first gate of each channel within the signature
    chan_ng: np.ndarray  # int64[C]
    gate_row: np.ndarray  # int64[G]: rate-table row
    gate_pow: np.ndarray  # int64[G]
    gate_typ: np.ndarray  # int64[G]: gate type (for the exact fallback off the table)
    gate_phi: np.ndarray  # float64[G]
    ic_start: np.ndarray  # int64[nb + 1]: current clamps of each block
    ic_slot: np.ndarray  # int64: flat slot the clamp injects into
    ic_k: np.ndarray  # int64: the clamp in the general model (its waveform)
    rec_start: np.ndarray  # int64[nb + 1]
    rec_col: np.ndarray  # int64: column of ``out``
    rec_kind: np.ndarray  # int64: 0 voltage, 1 gate state
    rec_slot: np.ndarray  # int64: flat index into the block's v or gate states
    jump_start: np.ndarray  # int64[nb + 1]: stimulus jump times of each block (all its lanes share them)
    jump_t: np.ndarray
    lane_cell: np.ndarray  # int64[nb, W]: general-model cell (group) of each lane, -1 for padding
    tab4: np.ndarray  # float64[ntab * (K - 1) * 4]: per table row and grid interval (inf, its step, decay, its step)


class LanePlan(NamedTuple):
    model: LaneModel
    node_src: np.ndarray  # int32[nb, P*W]: general-model node each slot starts from
    node_dst: np.ndarray  # bool[nb, P*W]: slot is a real node (copied back)
    node_zero: np.ndarray  # bool[nb, P*W]: padding slot that starts at 0 mV
    gate_src: np.ndarray  # int32[nb, G*P*W]: gate-major, slot innermost
    gate_dst: np.ndarray  # bool[nb, G*P*W]
    n_blocks: int
    cells: np.ndarray  # int64: the general model's cells (groups) this plan runs


class LaneSchedule(NamedTuple):
    """Lane plans for some or all cells; ``rest``: cells the general engine runs."""

    plans: tuple
    rest: np.ndarray


def _signature(m, tabs, nodes):
    """The membrane signature: (nodes with channels, their channels [k, C], their gates [k, G]) when
    every one of ``nodes`` that has channels has the same ohmic channels with the same tabulated
    gates and powers, else None."""
    nd = m.node_dyn_start[nodes + 1] - m.node_dyn_start[nodes]
    with_ch = nodes[nd > 0]
    if with_ch.size == 0:
        return None
    C = int(nd[nd > 0][0])
    if np.any(nd[nd > 0] != C):
        return None
    chans = m.dyn_chan[m.node_dyn_start[with_ch][:, None] + np.arange(C)[None, :]]  # [k, C]
    if np.any(m.chan_law[chans] != 0):
        return None
    counts = m.chan_gate_count[chans]
    if np.any(counts != counts[0]):
        return None
    G = int(counts[0].sum())
    gstart = m.chan_gate_start[chans]
    gates = np.concatenate([gstart[:, c, None] + np.arange(counts[0, c], dtype=gstart.dtype)[None, :]
                            for c in range(C)], axis=1) if G else np.zeros((with_ch.size, 0), np.int64)
    rows = tabs.gate_table[gates] if G else gates
    if G and (np.any(rows < 0) or np.any(rows != rows[0])):
        return None
    if G and np.any(m.gate_power[gates] != m.gate_power[gates[0]]):
        return None
    return with_ch, chans, gates


def _interval_table(tab: np.ndarray) -> np.ndarray:
    """The rate table as (value, step to the next value) per grid interval, for inf and decay.

    Interpolating a + f * step with step = a[j+1] - a[j] stored is the same arithmetic, to
    the bit, as a[j] + f * (a[j+1] - a[j]), with two subtractions fewer per gate and step
    and the four numbers of an interval side by side.
    """
    out = np.empty((tab.shape[0], tab.shape[1] - 1, 4))
    out[:, :, 0] = tab[:, :-1, 0]
    out[:, :, 1] = tab[:, 1:, 0] - tab[:, :-1, 0]
    out[:, :, 2] = tab[:, :-1, 1]
    out[:, :, 3] = tab[:, 1:, 1] - tab[:, :-1, 1]
    return out.ravel()


def plan_lanes(m, tabs, cn: bool) -> "LaneSchedule | None":
    """The lane layout of model ``m`` with tables ``tabs``, or None where no part of it fits.

    One cell: the chained layout if it is one long unbranched cable. Several: the cells are
    sorted into classes of identical structure (topology, which nodes carry the channels,
    and for Crank-Nicolson the stimulus jump times); every class of at least
    MIN_BATCH_CELLS cells runs in lanes, the rest on the general engine.
    """
    n = m.parent.shape[0]
    ncell = m.cell_node_start.shape[0] - 1
    if tabs.tab.shape[1] < 2 or m.gate_node.shape[0] == 0:
        return None
    if (m.vc_node.shape[0] or m.pool_node.shape[0] or m.cleft_par.shape[0] or m.src_kind.shape[0]
            or np.any(m.rec_kind > 1) or np.any(m.chan_law != 0)):
        return None
    sig = _signature(m, tabs, np.arange(n))
    if sig is None:
        return None
    if ncell == 1:
        plan = _plan(m, tabs, cn, sig, None)
        if plan is None and n >= MIN_TREE_NODES:  # a branched cell: one lane, the flat passes still pay
            plan = _plan(m, tabs, cn, sig, np.zeros(1, np.int64), 1)
        return None if plan is None else LaneSchedule((plan,), np.zeros(0, np.int64))
    has = np.zeros(n, bool)
    has[sig[0]] = True
    classes: dict[bytes, list[int]] = {}
    js = m.cell_jump_start
    for c in range(ncell):
        lo, hi = m.cell_node_start[c], m.cell_node_start[c + 1]
        rel = np.where(m.parent[lo:hi] >= 0, m.parent[lo:hi] - lo, -1)
        key = rel.tobytes() + b"|" + has[lo:hi].tobytes()
        if cn:  # lanes move in lockstep: a block's cells must damp the same steps
            key += b"|" + m.jump_t[js[c]:js[c + 1]].tobytes()
        classes.setdefault(key, []).append(c)
    plans = []
    for cells in classes.values():
        if len(cells) >= MIN_BATCH_CELLS:
            plans.append(_plan(m, tabs, cn, sig, np.asarray(cells, np.int64)))
    if not plans:
        return None
    covered = np.zeros(ncell, bool)
    for pl in plans:
        covered[pl.cells] = True
    return LaneSchedule(tuple(plans), np.flatnonzero(~covered).astype(np.int64))


def _plan(m, tabs, cn: bool, sig, cells, W: int = LANES) -> LanePlan | None:
    """W lanes for the cells ``cells`` (identical structure), or the chained layout of the
    model's single cell (``cells`` None); None if it does not fit."""
    n = m.parent.shape[0]
    with_ch, chans, gates = sig
    C = chans.shape[1]
    G = gates.shape[1]
    chained = cells is None
    if not chained:
        ncls = cells.shape[0]
        c0_ = cells[0]
        lo0 = m.cell_node_start[c0_]
        P = int(m.cell_node_start[c0_ + 1] - lo0)
        starts = m.cell_node_start[cells]
        parent_pos = np.where(m.parent[lo0:lo0 + P] >= 0, m.parent[lo0:lo0 + P] - lo0, -1).astype(np.int64)
        has0 = np.zeros(n, bool)
        has0[with_ch] = True
        active = has0[lo0:lo0 + P].astype(np.int64)
        nb = -(-ncls // W)
        lane_idx = np.arange(nb * W).reshape(nb, W)
        lane_cell = np.where(lane_idx < ncls, cells[np.minimum(lane_idx, ncls - 1)], -1)
        src_k = np.where(lane_idx < ncls, lane_idx, (np.arange(nb) * W)[:, None])  # padding copies lane 0
        # slot (b, p, l) -> node starts[src_k[b, l]] + p
        node_src = (starts[src_k][:, None, :] + np.arange(P)[None, :, None]).reshape(nb, P * W)
        node_dst = np.broadcast_to((lane_cell >= 0)[:, None, :], (nb, P, W)).reshape(nb, P * W).copy()
        node_zero = np.zeros((nb, P * W), bool)
        offd = m.offd[node_src]
        jump_start = np.zeros(nb + 1, np.int64)
        jump_t = np.zeros(0)
        if cn:
            js = m.cell_jump_start
            t0 = m.jump_t[js[c0_]:js[c0_ + 1]]
            jump_t = np.tile(t0, nb)
            jump_start = np.arange(nb + 1, dtype=np.int64) * t0.shape[0]
    elif n >= MIN_CHAIN_NODES and m.parent[0] == -1 and np.all(m.parent[1:] == np.arange(n - 1)):
        chained = True
        W = CHAIN_LANES
        nb = 1
        P = -(-n // W)
        lane_cell = np.full((1, W), -1, np.int64)
        lane_cell[0, 0] = 0
        # lane l holds nodes l*P .. l*P + P - 1: slot (p, l) <- node l*P + p
        node_of = (np.arange(W)[None, :] * P + np.arange(P)[:, None]).reshape(1, P * W)
        node_dst = node_of < n
        node_zero = ~node_dst
        node_src = np.where(node_dst, node_of, 0)
        parent_pos = np.arange(P, dtype=np.int64) - 1
        active = np.ones(P, np.int64)
        offd = np.where(node_dst, m.offd[node_src], 0.0)
        jump_t = m.jump_t.copy()
        jump_start = np.array([0, jump_t.shape[0]], np.int64)
    else:
        return None

    # per-slot channel parameters and gate indices; slots without channels get gmax 0 and
    # gates that are computed but never copied back
    # (the temporaries here are as large as the plan: int32 where they index, and let go as
    # soon as they are used, so that planning P3 peaks at about twice the plan, not 3.5x)
    chan_of_node = np.full((n, C), -1, np.int32)
    chan_of_node[with_ch] = chans
    ch = chan_of_node[node_src]  # [nb, P*W, C]
    del chan_of_node
    has_ch = ch >= 0
    ch[~has_ch] = 0
    real = node_dst if chained else np.ones_like(node_dst)

    def pcw(a):  # [nb, P*W, C] -> [nb, c*P*W + p*W + l]
        return np.ascontiguousarray(a.transpose(0, 2, 1).reshape(nb, -1))

    gmax = pcw(np.where(has_ch & real[:, :, None], m.chan_gmax[ch], 0.0))
    erev = pcw(np.where(has_ch, m.chan_erev[ch], 0.0))
    del ch, has_ch

    gate_of_node = np.full((n, max(G, 1)), -1, np.int32)
    gate_of_node[with_ch, :G] = gates
    gt = gate_of_node[:, :G][node_src]  # [nb, P*W, G]
    del gate_of_node
    gate_dst = (gt >= 0) & node_dst[:, :, None]
    gt[gt < 0] = 0
    gate_src = gt
    del gt

    g0 = gates[0]
    c0 = chans[0]
    counts = m.chan_gate_count[c0]
    chan_g0 = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    cap = np.where(node_zero, 1.0, m.cap_nF[node_src])
    gsum0 = np.where(node_zero, 0.0, m.gax_diag[node_src] + m.g_static[node_src])
    e_static = np.where(node_zero, 0.0, m.e_static[node_src])

    # clamps and recordings, by block; a slot is found from its node
    slot_of = np.full(n, -1, np.int32)
    blk_of = np.full(n, -1, np.int32)
    flat = np.arange(P * W)
    for b in range(nb):
        keep = node_dst[b]
        slot_of[node_src[b][keep]] = flat[keep]
        blk_of[node_src[b][keep]] = b
    ic_b = blk_of[m.ic_node]
    order = np.argsort(ic_b, kind="stable")
    order = order[ic_b[order] >= 0]  # clamps of cells outside this plan are the general engine's
    ic_start = np.searchsorted(ic_b[order], np.arange(nb + 1)).astype(np.int64)
    ic_slot = slot_of[m.ic_node][order]
    ic_k = order.astype(np.int64)

    gslot_of = np.full(m.gate_node.shape[0], -1, np.int32)
    gblk_of = np.full(m.gate_node.shape[0], -1, np.int32)
    gidx = np.arange(G)[None, None, :] * (P * W) + np.arange(P)[:, None, None] * W + np.arange(W)[None, :, None]
    for b in range(nb):
        keep = gate_dst[b].reshape(P, W, G)
        src = gate_src[b].reshape(P, W, G)[keep]
        gslot_of[src] = gidx[keep]
        gblk_of[src] = b
    nrec = m.rec_kind.shape[0]
    rec_b = np.where(m.rec_kind == 0, blk_of[np.where(m.rec_kind == 0, m.rec_index, 0)],
                     gblk_of[np.where(m.rec_kind == 1, m.rec_index, 0)]) if nrec else np.zeros(0, np.int64)
    rec_s = np.where(m.rec_kind == 0, slot_of[np.where(m.rec_kind == 0, m.rec_index, 0)],
                     gslot_of[np.where(m.rec_kind == 1, m.rec_index, 0)]) if nrec else np.zeros(0, np.int64)
    rorder = np.argsort(rec_b, kind="stable")
    rorder = rorder[rec_b[rorder] >= 0]  # likewise recordings
    rec_start = np.searchsorted(rec_b[rorder], np.arange(nb + 1)).astype(np.int64)
    del slot_of, blk_of, gslot_of, gblk_of

    def pgw(a):  # [nb, P*W, G] -> [nb, g*P*W + p*W + l]
        return np.ascontiguousarray(a.transpose(0, 2, 1).reshape(nb, -1))

    split_j, split_a = _split(parent_pos) if W == 1 and not chained else (0, 0)
    edges = np.diff(np.concatenate([[0], active, [0]]))
    run_lo = (np.flatnonzero(edges == 1) * W).astype(np.int64)
    run_hi = (np.flatnonzero(edges == -1) * W).astype(np.int64)
    lm = LaneModel(
        n_pos=P, lanes=W, n_chan=C, n_gate=G, chained=chained,
        parent_pos=parent_pos, split_j=split_j, split_a=split_a, run_lo=run_lo, run_hi=run_hi,
        cap_nF=np.ascontiguousarray(cap, dtype=np.float64),
        gsum0_uS=np.ascontiguousarray(gsum0, dtype=np.float64),
        e_static=np.ascontiguousarray(e_static, dtype=np.float64),
        offd=np.ascontiguousarray(offd, dtype=np.float64),
        gmax=gmax, erev=erev,
        chan_g0=chan_g0, chan_ng=counts.astype(np.int64),
        gate_row=tabs.gate_table[g0].astype(np.int64), gate_pow=m.gate_power[g0].astype(np.int64),
        gate_typ=m.gate_type[g0].astype(np.int64), gate_phi=m.gate_phi[g0].astype(np.float64),
        ic_start=ic_start, ic_slot=ic_slot.astype(np.int64), ic_k=ic_k,
        rec_start=rec_start, rec_col=rorder.astype(np.int64), rec_kind=m.rec_kind[rorder].astype(np.int64),
        rec_slot=rec_s[rorder].astype(np.int64),
        jump_start=jump_start, jump_t=np.asarray(jump_t, np.float64), lane_cell=lane_cell.astype(np.int64),
        tab4=_interval_table(tabs.tab),
    )
    covered = np.array([0], np.int64) if chained else cells
    return LanePlan(lm, node_src.astype(np.int32), node_dst, node_zero, pgw(gate_src), pgw(gate_dst), nb, covered)


MIN_SPLIT_PART = 32  # nodes in the smaller part for the two-part solve to pay


def _split(parent: np.ndarray) -> tuple[int, int]:
    """(j, a) for :func:`ranvier.numerics.hines.hines_solve_two`: nodes a.. form a subtree hanging
    from j = parent[a], and nodes j+1..a-1 (the other part) reach the rest only through nodes up
    to j (true by the parent-before-child order). The smaller part as large as possible; (0, 0)
    when it would have fewer than MIN_SPLIT_PART nodes."""
    n = parent.shape[0]
    if n < 2 * MIN_SPLIT_PART + 1 or parent[0] >= 0 or (parent[1:] < 0).any():
        return 0, 0
    # suffix a.. is a subtree when no node after a has its parent before a
    later_min = np.minimum.accumulate(parent[::-1])[::-1]  # later_min[i] = min(parent[i:])
    a = np.arange(1, n)
    closed = np.append(later_min[2:] >= a[:-1], True)
    a = a[closed]
    size = np.minimum(n - a, a - 1 - parent[a])
    best = int(np.argmax(size))
    if size[best] < MIN_SPLIT_PART:
        return 0, 0
    return int(parent[a[best]]), int(a[best])


def lanes_const(W):
    """``W`` itself; inside a kernel compiled for a literal W, a constant LLVM can unroll loops by."""
    return W


@overload(lanes_const, inline="always")
def _lanes_const(W):
    # a literal-typed argument alone is still a run-time value to LLVM (measured: the lane loops
    # stay loops, P3 9.3 -> 9.7 ns per node-step); a constant returned from here is not
    if isinstance(W, types.IntegerLiteral):
        value = W.literal_value

        def impl(W):
            return value

        return impl
    return lambda W: W


@njit(inline="always")
def _ipow(x, p):
    """x ** p for a small non-negative integer p, by multiplications (p is loop-invariant)."""
    if p == 1:
        return x
    if p == 2:
        return x * x
    if p == 3:
        return x * x * x
    if p == 4:
        x2 = x * x
        return x2 * x2
    y = 1.0
    for _ in range(p):
        y *= x
    return y


@kernel(error_model="numpy")
def run_block(b, lm, m, tabs, v, st, t0, dt, n_steps, cn, rec_every, out, damp, W):
    """Integrate block ``b`` (its ``v`` and gate states ``st`` in lane order) over n_steps.

    One function, like :func:`ranvier.numerics.engine.run_cell` and for the same reason.
    ``W`` (lanes) is a compile-time literal (the entry points below pass a constant), so
    that the loops over lanes unroll. Returns (status, step reached).
    """
    literally(W)
    W = lanes_const(W)
    P = lm.n_pos
    C = lm.n_chan
    G = lm.n_gate
    PW = P * W
    chained = lm.chained
    parent_pos = lm.parent_pos
    split_j = lm.split_j
    split_a = lm.split_a
    run_lo = lm.run_lo
    run_hi = lm.run_hi
    n_runs = run_lo.shape[0]
    cap = lm.cap_nF[b]
    gs0 = lm.gsum0_uS[b]
    es = lm.e_static[b]
    od = lm.offd[b]
    gm = lm.gmax[b]
    er = lm.erev[b]
    chan_g0 = lm.chan_g0
    chan_ng = lm.chan_ng
    gate_row = lm.gate_row
    gate_pow = lm.gate_pow
    gate_typ = lm.gate_typ
    gate_phi = lm.gate_phi
    type_kind = m.type_kind
    type_form = m.type_form
    type_par = m.type_par
    q_ic0 = lm.ic_start[b]
    q_ic1 = lm.ic_start[b + 1]
    ic_slot = lm.ic_slot
    ic_k = lm.ic_k
    ic_start = m.ic_start
    ic_count = m.ic_count
    ic_interp = m.ic_interp
    wave_t = m.wave_t
    wave_y = m.wave_y
    rq0 = lm.rec_start[b]
    rq1 = lm.rec_start[b + 1]
    rec_col = lm.rec_col
    rec_kind = lm.rec_kind
    rec_slot = lm.rec_slot
    jump_t = lm.jump_t
    jp = lm.jump_start[b]
    jend = lm.jump_start[b + 1]
    lane_cell = lm.lane_cell
    tab4 = lm.tab4
    pair = C == 2 and chan_ng[0] <= 2 and chan_ng[1] <= 2
    ga0 = chan_g0[0]
    ga1 = chan_g0[1] if C > 1 else 0
    K = tabs.tab.shape[1]
    vmin = tabs.vmin
    inv_dv = tabs.inv_dv
    kmaxf = float(K - 1)
    top = kmaxf - 1e-9

    h = dt if not cn else 0.5 * dt
    cap_h = np.empty(PW)
    dbase = np.empty(PW)
    for i in range(PW):
        cap_h[i] = cap[i] / h
        dbase[i] = cap_h[i] + gs0[i]
    diag = np.empty(PW)
    rhs = np.empty(PW)
    x = np.empty(PW)
    spk = np.zeros(PW)
    jj = np.zeros(PW, np.uint64)
    fr = np.zeros(PW)
    badi = np.zeros(PW, np.int64)
    sold = np.zeros(PW)
    f = np.zeros(PW)
    sc = np.empty(W)
    al = np.empty(W)
    be = np.empty(W)
    ga = np.empty(W)
    lo_ = np.empty(W)
    mid = np.empty(W)
    up = np.empty(W)
    yy = np.empty(W)
    ptr_ic = np.empty(q_ic1 - q_ic0, np.int64)
    for q in range(q_ic0, q_ic1):
        ptr_ic[q - q_ic0] = ic_start[ic_k[q]]
    c_first = lane_cell[b, 0]
    dmp = damp[c_first]
    eps = JUMP_EPS * dt
    while jp < jend and jump_t[jp] < t0 - eps:
        jp += 1

    rec_next = 0  # the next step recorded, into row rec_row of out
    rec_row = 0
    for s in range(n_steps + 1):
        t = t0 + s * dt
        nsub, extrapolate, jp, dmp = step_scheme(s, n_steps, cn, t, dt, eps, jump_t, jp, jend, dmp)
        for sub in range(nsub):
            update = sub == 0 and s > 0
            # ---- the backward-Euler system for the present v, then gates and channels, each a
            # flat loop over the block's slots (lanes innermost), so that they pipeline
            # (slots without channels get the system here; those with channels from their first)
            prev = 0
            for rn in range(n_runs):
                i0 = run_lo[rn]
                i1 = run_hi[rn]
                for i in range(U(prev), U(i0)):
                    diag[i] = dbase[i]
                    rhs[i] = cap_h[i] * v[i] + es[i]
                prev = i1
                if update:
                    nbad = 0
                    for i in range(U(i0), U(i1)):
                        xt = (v[i] - vmin) * inv_dv
                        nbad += 0 if (xt >= 0.0 and xt < kmaxf) else 1
                        xc = xt if xt > 0.0 else 0.0
                        xc = xc if xc < top else top
                        j = int(xc)
                        jj[i] = j
                        fr[i] = xc - j
                    if nbad > 0:  # off the table (or not finite): those slots take the exact rates
                        k = 0
                        for i in range(U(i0), U(i1)):
                            xt = (v[i] - vmin) * inv_dv
                            if not (xt >= 0.0 and xt < kmaxf):
                                badi[k] = i
                                k += 1
                    for g in range(G):
                        sg = g * PW
                        if nbad > 0:
                            gt = gate_typ[g]
                            for k in range(nbad):
                                i = badi[k]
                                inf, rate = gate_inf_rate(type_kind[gt], type_form[gt], type_par[gt], v[i])
                                sold[k] = inf + (st[sg + i] - inf) * math.exp(-dt * gate_phi[g] * rate)
                        roff = U(gate_row[g] * (K - 1) * 4)
                        usg = U(sg)
                        for i in range(U(i0), U(i1)):
                            o = roff + U(4) * jj[i]
                            fi = fr[i]
                            inf = tab4[o] + fi * tab4[o + U(1)]
                            dec = tab4[o + U(2)] + fi * tab4[o + U(3)]
                            st[usg + i] = inf + (st[usg + i] - inf) * dec
                        for k in range(nbad):
                            st[sg + badi[k]] = sold[k]
                if pair:
                    # two channels of one or two gates each (the HH-like case): one pass for both
                    pa0 = gate_pow[ga0]
                    pb0 = gate_pow[ga0 + 1] if chan_ng[0] == 2 else 0
                    pa1 = gate_pow[ga1]
                    pb1 = gate_pow[ga1 + 1] if chan_ng[1] == 2 else 0
                    two0 = chan_ng[0] == 2
                    two1 = chan_ng[1] == 2
                    sa0 = U(ga0 * PW)
                    sa1 = U(ga1 * PW)
                    uPW = U(PW)
                    for i in range(U(i0), U(i1)):
                        f0 = gm[i] * _ipow(st[sa0 + i], pa0)
                        if two0:
                            f0 *= _ipow(st[sa0 + uPW + i], pb0)
                        f1 = gm[uPW + i] * _ipow(st[sa1 + i], pa1)
                        if two1:
                            f1 *= _ipow(st[sa1 + uPW + i], pb1)
                        diag[i] = dbase[i] + f0 + f1
                        rhs[i] = cap_h[i] * v[i] + es[i] + f0 * er[i] + f1 * er[uPW + i]
                    continue
                for c in range(C):
                    cb = U(c * PW)
                    ng = chan_ng[c]
                    gfirst = chan_g0[c]
                    if ng == 1 or ng == 2:
                        # the common channels written out: one pass, no partial products in memory
                        pa = gate_pow[gfirst]
                        sa = U(gfirst * PW)
                        pb_ = gate_pow[gfirst + 1] if ng == 2 else 0
                        sb_ = sa + U(PW)
                        if c == 0:  # the first channel also starts the system (one pass fewer)
                            for i in range(U(i0), U(i1)):
                                fi = gm[cb + i] * _ipow(st[sa + i], pa)
                                if ng == 2:
                                    fi *= _ipow(st[sb_ + i], pb_)
                                diag[i] = dbase[i] + fi
                                rhs[i] = cap_h[i] * v[i] + es[i] + fi * er[cb + i]
                        else:
                            for i in range(U(i0), U(i1)):
                                fi = gm[cb + i] * _ipow(st[sa + i], pa)
                                if ng == 2:
                                    fi *= _ipow(st[sb_ + i], pb_)
                                diag[i] += fi
                                rhs[i] += fi * er[cb + i]
                        continue
                    if c == 0:
                        for i in range(U(i0), U(i1)):
                            diag[i] = dbase[i]
                            rhs[i] = cap_h[i] * v[i] + es[i]
                    for i in range(U(i0), U(i1)):
                        f[i] = gm[cb + i]
                    for gi in range(ng):
                        g = gfirst + gi
                        sg = U(g * PW)
                        pw = gate_pow[g]
                        for i in range(U(i0), U(i1)):
                            f[i] *= _ipow(st[sg + i], pw)
                    for i in range(U(i0), U(i1)):
                        diag[i] += f[i]
                        rhs[i] += f[i] * er[cb + i]
            for i in range(U(prev), U(PW)):
                diag[i] = dbase[i]
                rhs[i] = cap_h[i] * v[i] + es[i]
            # ---- recording, at the start of each step (and after the last)
            if sub == 0 and s == rec_next:  # (a countdown and no row view, as in the general engine)
                row = rec_row
                rec_row += 1
                rec_next += rec_every
                for q in range(rq0, rq1):
                    if rec_kind[q] == 0:
                        val = v[rec_slot[q]]
                        if not math.isfinite(val):
                            damp_store(damp, lane_cell, b, dmp)
                            return NONFINITE_VOLTAGE, s
                        out[row, rec_col[q]] = val
                    else:
                        out[row, rec_col[q]] = st[rec_slot[q]]
            if s == n_steps:
                break
            # ---- current clamps at the middle of this solve
            if nsub == 2:
                t_eval = t + (0.25 + 0.5 * sub) * dt
            else:
                t_eval = t + 0.5 * dt
            for q in range(q_ic0, q_ic1):
                k = ic_k[q]
                val, ptr_ic[q - q_ic0] = wave_at(t_eval, wave_t, wave_y, ic_start[k], ic_count[k], ic_interp[k],
                                                 ptr_ic[q - q_ic0])
                rhs[ic_slot[q]] += val
            # ---- the solve, into x (then v from it below; writing v in the solve measured no faster)
            if W == 1:  # one lane: the general engine's tree solve (it also sets v)
                if split_a > 0:
                    hines_solve_two(parent_pos, od, P, diag, rhs, x, v, extrapolate, split_j, split_a)
                else:
                    hines_solve_fast(parent_pos, od, 0, P, diag, rhs, x, v, extrapolate)
            elif not chained:
                for q in range(P):
                    p = P - 1 - q
                    base = U(p * W)
                    par = parent_pos[p]
                    if par >= 0:
                        pb = U(par * W)
                        for l in range(U(W)):
                            inv = 1.0 / diag[base + l]
                            diag[base + l] = inv
                            fl = od[base + l] * inv
                            diag[pb + l] -= fl * od[base + l]
                            rhs[pb + l] -= fl * rhs[base + l]
                    else:
                        for l in range(U(W)):
                            diag[base + l] = 1.0 / diag[base + l]
                for p in range(P):
                    base = U(p * W)
                    par = parent_pos[p]
                    if par >= 0:
                        pb = U(par * W)
                        for l in range(U(W)):
                            x[base + l] = (rhs[base + l] - od[base + l] * x[pb + l]) * diag[base + l]
                    else:
                        for l in range(U(W)):
                            x[base + l] = rhs[base + l] * diag[base + l]
            else:
                # segments: eliminate positions P-1..1 of every lane, carrying the coefficient of
                # the next lane's first voltage (sc) down the lane
                for l in range(W - 1):
                    sc[l] = od[l + 1]
                sc[W - 1] = 0.0
                for q in range(P - 1):
                    base = U((P - 1 - q) * W)
                    pb = base - U(W)
                    for l in range(U(W)):
                        inv = 1.0 / diag[base + l]
                        diag[base + l] = inv
                        fl = od[base + l] * inv
                        diag[pb + l] -= fl * od[base + l]
                        rhs[pb + l] -= fl * rhs[base + l]
                        spk[base + l] = sc[l]
                        sc[l] = -fl * sc[l]
                # each lane's last voltage as al + be * (own first) + ga * (next lane's first)
                for l in range(W):
                    al[l] = 0.0
                    be[l] = 1.0
                    ga[l] = 0.0
                for p in range(1, P):
                    base = U(p * W)
                    for l in range(U(W)):
                        o = od[base + l]
                        iv = diag[base + l]
                        al[l] = (rhs[base + l] - o * al[l]) * iv
                        be[l] = -o * be[l] * iv
                        ga[l] = (-spk[base + l] - o * ga[l]) * iv
                # the lanes' first voltages: a W x W tridiagonal system (Thomas, in lane order)
                for l in range(W):
                    o0 = od[l]
                    if l > 0:
                        lo_[l] = o0 * be[l - 1]
                        mid[l] = diag[l] + o0 * ga[l - 1]
                        yy[l] = rhs[l] - o0 * al[l - 1]
                    else:
                        lo_[l] = 0.0
                        mid[l] = diag[l]
                        yy[l] = rhs[l]
                    up[l] = sc[l]
                for l in range(1, W):
                    w_ = lo_[l] / mid[l - 1]
                    mid[l] -= w_ * up[l - 1]
                    yy[l] -= w_ * yy[l - 1]
                yy[W - 1] = yy[W - 1] / mid[W - 1]
                for l in range(W - 2, -1, -1):
                    yy[l] = (yy[l] - up[l] * yy[l + 1]) / mid[l]
                for l in range(W):
                    x[l] = yy[l]
                    sc[l] = yy[l + 1] if l + 1 < W else 0.0
                for p in range(1, P):
                    base = U(p * W)
                    pb = base - U(W)
                    for l in range(U(W)):
                        x[base + l] = (rhs[base + l] - spk[base + l] * sc[l] - od[base + l] * x[pb + l]) * diag[base + l]
            if W != 1:  # (the one-lane solve set v itself)
                if extrapolate:
                    for i in range(U(PW)):
                        v[i] = 2.0 * x[i] - v[i]
                else:
                    for i in range(U(PW)):
                        v[i] = x[i]
    damp_store(damp, lane_cell, b, dmp)
    for i in range(PW):
        if not math.isfinite(v[i]):
            return NONFINITE_VOLTAGE, n_steps
    return OK, n_steps


@kernel
def damp_store(damp, lane_cell, b, dmp):
    """Hand the damped Crank-Nicolson steps still owed back to every cell of the block."""
    for l in range(lane_cell.shape[1]):
        if lane_cell[b, l] >= 0:
            damp[lane_cell[b, l]] = dmp


@kernel(nogil=True)
def run_blocks(lm, m, tabs, v, st, t0, dt, n_steps, cn, rec_every, out, damp, blocks):
    """The blocks (LANES lanes) listed in ``blocks`` for n_steps, one after the other; (status,
    step) of the first that failed. Releases the GIL: :func:`integrate_blocks` runs parts on threads."""
    for q in range(blocks.shape[0]):
        b = blocks[q]
        code, at = run_block(b, lm, m, tabs, v[b], st[b], t0, dt, n_steps, cn, rec_every, out, damp, LANES)
        if code != OK:
            return code, at
    return OK, n_steps


def integrate_blocks(lm, m, tabs, v, st, t0, dt, n_steps, cn, rec_every, out, damp, threads=None):
    """Every block of a batch for n_steps, blocks in parallel on ``threads`` threads; (status, step)
    of the first that failed."""
    return run_split(run_blocks, (lm, m, tabs, v, st, t0, dt, n_steps, cn, rec_every, out, damp),
                     np.arange(v.shape[0]), threads)


@kernel
def integrate_single(lm, m, tabs, v, st, t0, dt, n_steps, cn, rec_every, out, damp):
    """One cell of any shape in one lane: the general engine's tree solve with the flat passes."""
    return run_block(0, lm, m, tabs, v[0], st[0], t0, dt, n_steps, cn, rec_every, out, damp, 1)


@kernel
def integrate_chain(lm, m, tabs, v, st, t0, dt, n_steps, cn, rec_every, out, damp):
    """One cable as CHAIN_LANES chained segments."""
    return run_block(0, lm, m, tabs, v[0], st[0], t0, dt, n_steps, cn, rec_every, out, damp, CHAIN_LANES)


# The general model's arrays the lane kernels read (run_block: exact rates off the table, clamp
# waveforms). Once a schedule covers every cell, the rest can be let go.
GENERAL_FIELDS_READ = ("type_kind", "type_form", "type_par", "ic_start", "ic_count", "ic_interp", "wave_t", "wave_y")


def slim_model(m):
    """``m`` with every array the lane kernels do not read replaced by an empty one of the same
    dtype and dimensions: the same numba type, so the compiled kernels apply unchanged."""
    empty = {f: np.zeros((0,) * a.ndim, a.dtype) for f, a in zip(m._fields, m)
             if isinstance(a, np.ndarray) and f not in GENERAL_FIELDS_READ}
    return m._replace(**empty)


def integrate_lanes(schedule: LaneSchedule, m, tabs, v, state, xstate, t0, dt, n_steps, cn, rec_every, out, damp,
                    threads=None):
    """Run the general model's ``v`` and ``state`` through the lane plans (and the general engine
    for the cells no plan covers) and write them back.

    Same arguments and result as :func:`ranvier.numerics.engine.integrate`.
    """
    first = (OK, n_steps)
    for plan in schedule.plans:
        vl = v[plan.node_src]
        vl[plan.node_zero] = 0.0
        sl = state[plan.gate_src]
        if plan.model.chained:
            step = integrate_chain
        elif plan.model.lanes == 1:
            step = integrate_single
        else:
            step = functools.partial(integrate_blocks, threads=threads)
        code, at = step(plan.model, m, tabs, vl, sl, t0, dt, n_steps, cn, rec_every, out, damp)
        v[plan.node_src[plan.node_dst]] = vl[plan.node_dst]
        state[plan.gate_src[plan.gate_dst]] = sl[plan.gate_dst]
        if code != OK and first[0] == OK:
            first = (code, at)
    if schedule.rest.shape[0]:
        code, at = integrate(m, tabs, v, state, xstate, t0, dt, n_steps, cn, rec_every, out, damp, threads,
                             schedule.rest)
        if code != OK and first[0] == OK:
            first = (code, at)
    return first
