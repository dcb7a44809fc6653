"""O(N) solution of the cable equations on a tree (Hines 1984, Int J Biomed Comput 15:69)."""

from __future__ import annotations

from numba import njit


@njit(cache=True)
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
