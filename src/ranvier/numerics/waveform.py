"""Stimulus waveforms stored as breakpoints (time in ms, value in nA or mV).

Interpolation 0 is piecewise constant (value of the last breakpoint at or before t),
1 is linear between breakpoints. Before the first breakpoint and after the last the
end values hold.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, inline="always")
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
