"""Zero-area nodes that only follow a neighbour, taken out of the system before time stepping.

NEURON's discretisation (which :mod:`ranvier.assemble` follows) puts a zero-area node at
each end of every section. At a free end, or at a root with a single child, such a node
has no capacitance, no membrane and one axial conductance g to one neighbour n, so its
row of the system reads g (v_i - v_n) = 0: it carries no current and its voltage *is*
its neighbour's, in backward Euler, in each Crank-Nicolson half step and at rest. The
neighbour's row holds g (v_n - v_i) = 0 in turn. Dropping the node and that g changes no
other voltage (to rounding), and a recording of it reads the neighbour.

This matters most for small cells: a one-compartment soma has two such nodes, and each
adds a division to the step's critical path (measured: P2's 40,000 steps in 2.14 ms with
them, see the benchmark notes for without).

A node is kept when anything refers to it besides a voltage recording: a current or
voltage clamp, a channel, a Ca2+ pool, a static conductance.
"""

from __future__ import annotations

import numpy as np

from ranvier.numerics.arrays import KernelModel, with_index32


def drop_followers(m: KernelModel) -> tuple[KernelModel, np.ndarray] | None:
    """The model without its follower nodes and ``keep`` (old node of each new node), or None if it has none."""
    n = m.parent.shape[0]
    if n < 2:
        return None
    parent = m.parent
    n_child = np.bincount(parent[parent >= 0], minlength=n)
    bare = ((m.cap_nF == 0.0) & (m.g_static == 0.0) & (m.e_static == 0.0)
            & (np.diff(m.node_dyn_start) == 0) & (m.node_pool < 0))
    used = np.zeros(n, bool)
    used[m.ic_node] = True
    used[m.vc_node] = True
    used[m.chan_node] = True
    used[m.gate_node] = True
    used[m.pool_node] = True
    used[m.rec_index[m.rec_kind == 2]] = True
    leaf = (parent >= 0) & (n_child == 0)
    root_one = (parent < 0) & (n_child == 1)
    drop = bare & ~used & (leaf | root_one)
    # a root may only go if its single child is not itself dropped (a two-node cell keeps one node)
    child_of = np.full(n, -1, np.int64)
    has_p = parent >= 0
    child_of[parent[has_p]] = np.flatnonzero(has_p)
    both = root_one & drop & drop[np.where(child_of >= 0, child_of, 0)]
    drop[both] = False
    if not drop.any():
        return None
    keep = np.flatnonzero(~drop)
    new_of = np.full(n, -1, np.int32)  # int32 like the index arrays it remaps (arrays.INDEX32_FIELDS)
    new_of[keep] = np.arange(keep.shape[0])
    # the neighbour each dropped node follows: a leaf its parent, a root its child
    follow = np.where(parent >= 0, parent, child_of)
    node_to = new_of.copy()
    node_to[drop] = new_of[follow[drop]]

    gax_diag = m.gax_diag.copy()
    g_axial = m.g_axial_uS
    leaves = np.flatnonzero(drop & leaf)
    np.subtract.at(gax_diag, parent[leaves], g_axial[leaves])
    roots = np.flatnonzero(drop & root_one)
    gax_diag[child_of[roots]] -= g_axial[child_of[roots]]
    new_parent = np.where(parent >= 0, new_of[np.maximum(parent, 0)], -1)
    g_ax = g_axial.copy()
    offd = m.offd.copy()
    orphan = np.zeros(n, bool)
    orphan[child_of[roots]] = True  # children of dropped roots become roots
    new_parent[orphan] = -1
    g_ax[orphan] = 0.0
    offd[orphan] = 0.0
    dyn_count = np.diff(m.node_dyn_start)[keep]
    node_dyn_start = np.concatenate([[0], np.cumsum(dyn_count)]).astype(np.int32)
    del dyn_count, used, bare, child_of, follow
    # cells keep their nodes in order; recount their ranges
    cell_node_start = np.searchsorted(keep, m.cell_node_start).astype(np.int64)
    rec_index = m.rec_index.copy()
    on_node = (m.rec_kind == 0) | (m.rec_kind == 2)
    rec_index[on_node] = node_to[m.rec_index[on_node]]
    out = m._replace(
        parent=new_parent[keep].astype(np.int32),
        cap_nF=m.cap_nF[keep], g_axial_uS=g_ax[keep], area_cm2=m.area_cm2[keep], node_cell=m.node_cell[keep],
        offd=offd[keep], gax_diag=gax_diag[keep], g_static=m.g_static[keep], e_static=m.e_static[keep],
        cell_node_start=cell_node_start, node_dyn_start=node_dyn_start,
        gate_node=new_of[m.gate_node], chan_node=new_of[m.chan_node], ic_node=new_of[m.ic_node],
        vc_node=new_of[m.vc_node], rec_index=rec_index, node_pool=m.node_pool[keep], pool_node=new_of[m.pool_node],
    )
    return with_index32(out), keep
