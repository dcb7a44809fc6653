"""The one place where durations become step counts."""

from __future__ import annotations

import math

from ranvier.errors import RanvierError

MAX_STEPS = 1e11  # 1e11 steps of even one compartment take hours; beyond, a count is a typo, not a plan


def n_steps(duration_ms: float, dt_ms: float, name: str = "tstop_ms") -> int:
    """Whole steps of ``dt_ms`` that cover ``duration_ms``; the duration must be a multiple of dt to 1e-6."""
    n = duration_ms / dt_ms
    if not math.isfinite(n) or n > MAX_STEPS:  # no run can take this many steps (dt 5e-324 ms: inf)
        raise RanvierError(
            f"{name} = {duration_ms:g} ms in steps of dt_ms = {dt_ms:g} ms is {n:.3g} steps, more than any run can "
            f"take ({MAX_STEPS:.0e}); raise dt_ms or shorten {name}"
        )
    k = round(n)
    if abs(n - k) > 1e-6 * max(1.0, n):
        raise RanvierError(
            f"{name} = {duration_ms:g} ms is not a whole number of steps of dt_ms = {dt_ms:g} ms; "
            f"use {name} = {math.ceil(n) * dt_ms:g} or a dt_ms that divides it"
        )
    return max(int(k), 1)
