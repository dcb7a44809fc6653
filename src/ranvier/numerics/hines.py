"""O(N) solution of the cable equations on a tree (Hines 1984, Int J Biomed Comput 15:69)."""

from __future__ import annotations

import numpy as np
from numba import njit

from ranvier.numerics.jit import kernel


@kernel
def hines_solve(parent, diag, offd, rhs, out):
    """Solve the tree-structured system in place.

    The matrix has ``diag[i]`` on the diagonal and ``offd[i]`` at both (i, parent[i])
    and (parent[i], i); nodes are ordered so that ``parent[i] < i`` and roots have
    ``parent[i] == -1`` (a forest of several cells is fine). ``diag`` and ``rhs``
    are overwritten; the solution goes into ``out``.
    """
    n = diag.shape[0]
    for i in range(n - 1, -1, -1):  # eliminate leaves upward
        p = parent[i]
        if p >= 0:
            f = offd[i] / diag[i]
            diag[p] -= f * offd[i]
            rhs[p] -= f * rhs[i]
    for i in range(n):  # back-substitute downward
        p = parent[i]
        if p >= 0:
            out[i] = (rhs[i] - offd[i] * out[p]) / diag[i]
        else:
            out[i] = rhs[i] / diag[i]


# hines_solve_two indexes with unsigned integers: numba guards each signed index against a
# negative value with a compare and a select (see ranvier.numerics.lanes, where dropping them
# measured 18-30%).
U = np.uint64


@njit(inline="always")
def hines_solve_fast(parent, offd, base, n, diag, rhs, x, v, extrapolate):
    """:func:`hines_solve` for the production time loops (inlined into them).

    Nodes ``base .. base + n - 1`` of ``parent``, ``offd`` and the voltages ``v``
    (parents indexed the same way), with ``diag``, ``rhs`` and the solution ``x`` indexed
    from 0. The new voltage is x, or 2x - v when Crank-Nicolson ``extrapolate``s from the
    half step; it is written in the same pass. Two changes for
    speed, same arithmetic otherwise: ``diag`` keeps 1/diag, so the back-substitution
    multiplies; along an unbranched stretch (parent = the node just before) what flows to
    the parent stays in registers instead of going through memory, as the recurrence is
    latency-bound (measured 25% faster solve).
    """
    carry = -1
    c_d = 0.0
    c_r = 0.0
    for k in range(n - 1, -1, -1):
        d = diag[k]
        r = rhs[k]
        if carry == k:
            d -= c_d
            r -= c_r
        inv = 1.0 / d
        diag[k] = inv
        rhs[k] = r
        p = parent[base + k]
        carry = -1
        if p >= 0:
            p -= base
            f = offd[base + k] * inv
            if p == k - 1:
                carry = p
                c_d = f * offd[base + k]
                c_r = f * r
            else:
                diag[p] -= f * offd[base + k]
                rhs[p] -= f * r
    x_prev = 0.0
    for k in range(n):
        p = parent[base + k]
        if p >= 0:
            p -= base
            xp = x_prev if p == k - 1 else x[p]
            xk = (rhs[k] - offd[base + k] * xp) * diag[k]
        else:
            xk = rhs[k] * diag[k]
        x[k] = xk
        x_prev = xk
        v[base + k] = 2.0 * xk - v[base + k] if extrapolate else xk


@njit(inline="always")
def hines_solve_two(parent, offd, n, diag, rhs, x, v, extrapolate, j_split, a_start):
    """:func:`hines_solve_fast` (base 0) for a tree in two independent parts, solved side by side.

    Nodes ``a_start .. n-1`` hang (as a subtree) from node ``j_split`` < ``a_start``, and nodes
    ``j_split+1 .. a_start-1`` reach the rest only through nodes ``0 .. j_split``; the one root
    is among those. The elimination (and later the back-substitution) of the two parts runs in
    one loop, so two independent recurrences are in flight instead of one (P4's cell: the
    1000-node axon beside the dendritic tree); nodes ``0 .. j_split`` follow (precede) them,
    solved by :func:`hines_solve_fast`.

    Each part's link is kept short, as the chains are latency-bound: the parent's diagonal
    loses offd^2 / d (a division and a subtraction on the chain, where offd * (1/d) * offd
    took a division and two multiplications), and a node keeps rhs / d and offd / d, so the
    back-substitution's link is x = a - b * x_parent. (The same form in
    :func:`hines_solve_fast` made the general engine 10% faster on long cables but twice as
    slow on a one-compartment cell, for reasons not found, so it is used here only.) The
    per-node step is written out twice: as an inlined helper returning its carry it measured
    7x slower. Same elimination as :func:`hines_solve`, rounded differently.
    """
    na = n - a_start
    nb = a_start - 1 - j_split
    ca = -1
    ad = 0.0
    ar = 0.0
    cb = -1
    bd = 0.0
    br = 0.0
    for k in range(max(na, nb)):
        if k < na:
            i = n - 1 - k
            ui = U(i)
            d = diag[ui]
            r = rhs[ui]
            if ca == i:
                d -= ad
                r -= ar
            inv = 1.0 / d
            rhs[ui] = r * inv
            p = parent[ui]
            o = offd[ui]
            f = o * inv
            diag[ui] = f
            cd = (o * o) / d
            cr = f * r
            if p == i - 1:
                ca = p
                ad = cd
                ar = cr
            else:
                ca = -1
                up = U(p)
                diag[up] -= cd
                rhs[up] -= cr
        if k < nb:
            i = a_start - 1 - k
            ui = U(i)
            d = diag[ui]
            r = rhs[ui]
            if cb == i:
                d -= bd
                r -= br
            inv = 1.0 / d
            rhs[ui] = r * inv
            p = parent[ui]
            o = offd[ui]
            f = o * inv
            diag[ui] = f
            cd = (o * o) / d
            cr = f * r
            if p == i - 1:
                cb = p
                bd = cd
                br = cr
            else:
                cb = -1
                up = U(p)
                diag[up] -= cd
                rhs[up] -= cr
    # what each part still carries goes to memory before the shared nodes are eliminated
    if ca >= 0:
        diag[U(ca)] -= ad
        rhs[U(ca)] -= ar
    if cb >= 0:
        diag[U(cb)] -= bd
        rhs[U(cb)] -= br
    hines_solve_fast(parent, offd, 0, j_split + 1, diag, rhs, x, v, extrapolate)
    xa = 0.0
    xb = 0.0
    for k in range(max(na, nb)):
        if k < nb:
            i = j_split + 1 + k
            ui = U(i)
            p = parent[ui]
            xp = xb if (p == i - 1 and k > 0) else x[U(p)]
            xi = rhs[ui] - diag[ui] * xp
            x[ui] = xi
            v[ui] = 2.0 * xi - v[ui] if extrapolate else xi
            xb = xi
        if k < na:
            i = a_start + k
            ui = U(i)
            p = parent[ui]
            xp = xa if (p == i - 1 and k > 0) else x[U(p)]
            xi = rhs[ui] - diag[ui] * xp
            x[ui] = xi
            v[ui] = 2.0 * xi - v[ui] if extrapolate else xi
            xa = xi
