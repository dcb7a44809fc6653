"""Stimulus waveforms stored as breakpoints (time in ms, value in nA or mV).

Interpolation 0 is piecewise constant (value of the last breakpoint at or before t),
1 is linear between breakpoints. Before the first breakpoint and after the last the
end values hold.
"""

from __future__ import annotations

from numba import njit

from ranvier.numerics.jit import kernel


@kernel(inline="always")
def wave_value(t, wt, wy, start, count, interp):
    lo = start
    hi = start + count - 1
    if t < wt[lo]:
        return wy[lo]
    if t >= wt[hi]:
        return wy[hi]
    # largest k in [lo, hi) with wt[k] <= t
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if wt[mid] <= t:
            lo = mid
        else:
            hi = mid
    if interp == 0 or wt[lo + 1] == wt[lo]:
        return wy[lo]
    f = (t - wt[lo]) / (wt[lo + 1] - wt[lo])
    return wy[lo] + f * (wy[lo + 1] - wy[lo])


@njit(inline="always")
def wave_at(t, wt, wy, start, count, interp, hint):
    """:func:`wave_value` for times that only increase: (value, new hint).

    ``hint`` is the breakpoint found last time (start it at ``start``); the search walks
    on from there. Inlined into the time loops (a call that passes arrays would cost
    reference counting per stimulus per step).
    """
    hi = start + count
    j = hint
    while j + 1 < hi and wt[j + 1] <= t:
        j += 1
    if t < wt[start]:
        return wy[start], j
    if j + 1 >= hi or interp == 0 or wt[j + 1] == wt[j]:
        return wy[j], j
    return wy[j] + (t - wt[j]) / (wt[j + 1] - wt[j]) * (wy[j + 1] - wy[j]), j
