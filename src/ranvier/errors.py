"""Errors raised by ranvier and the small checks that raise them.

Every check names the parameter, the value it got, the allowed range and, where
one exists, a remedy. They are called where a description is built, so a bad
value fails at the point of the mistake and nothing runs.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable


class RanvierError(ValueError):
    """A value given to ranvier is outside what the model allows."""


class SimulationError(RuntimeError):
    """The numerical core reported a failure (non-finite voltage, ...)."""


class PhysiologyWarning(UserWarning):
    """A value is outside the physiological range but inside what the model can represent.

    The model runs; the warning names the parameter, the value, the range and its source
    (see :mod:`ranvier.plausibility`). Turn it into an error with
    ``warnings.simplefilter("error", ranvier.PhysiologyWarning)``.
    """


def _describe(value: object) -> str:
    return repr(value)


def check_real(name: str, value: object, unit: str = "", *, expect: str = "") -> float:
    """Return ``value`` as a finite float or raise naming ``name`` (and the range ``expect``, e.g. "> 0")."""
    want = f"a finite number{' ' + expect if expect else ''}{_u(unit)}"
    if isinstance(value, (bool, str, bytes)):
        raise RanvierError(f"{name} must be {want}, got {value!r}")
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RanvierError(f"{name} must be {want}, got {value!r}") from None
    if not math.isfinite(x):
        raise RanvierError(f"{name} must be {want}, got {x!r}")
    return x


def check_positive(name: str, value: object, unit: str = "", *, allow_zero: bool = False) -> float:
    """A finite number > 0 (or >= 0 with ``allow_zero``)."""
    bound = ">= 0" if allow_zero else "> 0"
    x = check_real(name, value, unit, expect=bound)
    if x < 0 or (x == 0 and not allow_zero):
        raise RanvierError(f"{name} must be {bound}{_u(unit)}, got {x!r}")
    return x


def check_range(
    name: str,
    value: object,
    lo: float,
    hi: float,
    unit: str = "",
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    remedy: str = "",
) -> float:
    """A finite number in the interval [lo, hi] (ends open on request)."""
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    x = check_real(name, value, unit, expect=f"in {left}{lo:g}, {hi:g}{right}")
    bad_lo = x <= lo if lo_open else x < lo
    bad_hi = x >= hi if hi_open else x > hi
    if bad_lo or bad_hi:
        msg = f"{name} must be in {left}{lo:g}, {hi:g}{right}{_u(unit)}, got {x!r}"
        if remedy:
            msg += f"; {remedy}"
        raise RanvierError(msg)
    return x


def check_int(name: str, value: object, lo: int = 1, hi: int | None = None) -> int:
    """A whole number in [lo, hi]."""
    import numpy as np

    rng = f"in [{lo}, {hi}]" if hi is not None else f">= {lo}"
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
        raise RanvierError(f"{name} must be a whole number {rng}, got {value!r}")
    n = int(value)
    if n < lo or (hi is not None and n > hi):
        raise RanvierError(f"{name} must be a whole number {rng}, got {n}")
    return n


def check_name(kind: str, name: object, known: Iterable[str]) -> str:
    """``name`` must be one of ``known``; suggest the closest on a miss."""
    options = sorted(known)
    if not isinstance(name, str) or name not in options:
        hint = ""
        if isinstance(name, str):
            close = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
            if close:
                hint = f" Did you mean {close[0]!r}?"
        listing = ", ".join(repr(o) for o in options) if options else "(none)"
        raise RanvierError(f"unknown {kind} {name!r}.{hint} Known: {listing}")
    return name


def _u(unit: str) -> str:
    return f" ({unit})" if unit else ""
