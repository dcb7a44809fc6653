"""Spike detection on sampled voltage traces.

All functions work on plain NumPy arrays; the ``*_xr`` variants accept an
:class:`xarray.DataArray` carrying a ``time`` coordinate in ms, e.g.
``result["v"].sel(site="soma")``.

Units: time in ms, voltage in mV.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ranvier.errors import RanvierError, check_real

__all__ = ["spike_times", "spike_times_xr"]


# --------------------------------------------------------------------------
# input checks shared by the analysis modules
# --------------------------------------------------------------------------


def _as_1d_float(name: str, value: object, unit: str) -> np.ndarray:
    """``value`` as a 1-D float64 array of finite numbers, or RanvierError."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise RanvierError(
            f"{name} must be a 1-D array of numbers ({unit}), got {type(value).__name__}"
        ) from None
    if arr.ndim != 1:
        raise RanvierError(
            f"{name} must be a 1-D array ({unit}), got an array of shape {arr.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise RanvierError(
            f"{name} must contain only finite numbers ({unit}), "
            f"got {name}[{i}]={arr[i]!r} ({bad.size} non-finite value(s))"
        )
    return arr


def _check_increasing(name: str, arr: np.ndarray, unit: str, *, strict: bool = True) -> None:
    """Raise unless ``arr`` is strictly (or weakly) increasing."""
    if arr.size < 2:
        return
    d = np.diff(arr)
    bad = np.flatnonzero(d <= 0) if strict else np.flatnonzero(d < 0)
    if bad.size:
        i = int(bad[0])
        kind = "strictly increasing" if strict else "sorted in increasing order"
        raise RanvierError(
            f"{name} must be {kind} ({unit}), "
            f"got {name}[{i + 1}]={arr[i + 1]!r} after {name}[{i}]={arr[i]!r}"
        )


def _check_trace(t_ms: object, v_mV: object, *, t_name: str = "t_ms", v_name: str = "v_mV"):
    """Validate a sampled trace; return ``(t, v)`` as float64 arrays.

    ``t`` must be 1-D, finite, strictly increasing, with at least 2 samples;
    ``v`` must be 1-D, finite and of the same length.
    """
    t = _as_1d_float(t_name, t_ms, "ms")
    v = _as_1d_float(v_name, v_mV, "mV")
    if v.size != t.size:
        raise RanvierError(
            f"{v_name} must have the same length as {t_name} ({t.size} samples), "
            f"got {v.size} samples"
        )
    if t.size < 2:
        raise RanvierError(f"{t_name} must have at least 2 samples, got {t.size}")
    _check_increasing(t_name, t, "ms", strict=True)
    return t, v


def _upward_crossings(v: np.ndarray, level: float) -> np.ndarray:
    """Indices ``i`` with ``v[i] < level <= v[i+1]``."""
    return np.flatnonzero((v[:-1] < level) & (v[1:] >= level))


def _interp_crossing(t: np.ndarray, v: np.ndarray, i: np.ndarray | int, level: float):
    """Time where the segment ``i -> i+1`` reaches ``level`` (linear), clipped to it."""
    t0, t1 = t[i], t[i + 1]
    v0, v1 = v[i], v[i + 1]
    frac = (level - v0) / (v1 - v0)
    return np.clip(t0 + frac * (t1 - t0), t0, t1)


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------


def spike_times(t_ms: object, v_mV: object, threshold_mV: float = -20.0) -> np.ndarray:
    """Times of upward threshold crossings, linearly interpolated.

    A crossing occurs in the sample interval ``[t[i], t[i+1]]`` when
    ``v[i] < threshold_mV <= v[i+1]``; its time is where the straight line
    through the two samples reaches the threshold. The result is therefore
    exact for a piecewise-linear signal and has an O(dt**2) error for a
    smooth one.

    Parameters
    ----------
    t_ms : array_like, shape (n,)
        Sample times in ms; finite and strictly increasing, ``n >= 2``.
    v_mV : array_like, shape (n,)
        Membrane potential in mV at ``t_ms``; finite.
    threshold_mV : float, optional
        Detection threshold in mV (default -20).

    Returns
    -------
    numpy.ndarray, shape (n_spikes,)
        Crossing times in ms, increasing. Empty if there is no crossing.

    Raises
    ------
    RanvierError
        If the arrays are not 1-D, differ in length, contain NaN/inf, or
        ``t_ms`` is not strictly increasing.
    """
    t, v = _check_trace(t_ms, v_mV)
    thr = check_real("threshold_mV", threshold_mV, "mV")
    idx = _upward_crossings(v, thr)
    if idx.size == 0:
        return np.empty(0, dtype=float)
    return np.asarray(_interp_crossing(t, v, idx, thr), dtype=float)


def _split_dataarray(v: Any, time_dim: str, v_name: str = "v"):
    """Return ``(t_ms, traces, other_dim)`` from a 1-D or 2-D DataArray.

    ``traces`` is a list of 1-D arrays (one per entry along ``other_dim``) for
    2-D input, or a single 1-D array when ``other_dim`` is None.
    """
    try:
        import xarray as xr
    except ImportError as exc:  # pragma: no cover - xarray is a dependency
        raise RanvierError("the *_xr analysis functions need xarray installed") from exc
    if not isinstance(v, xr.DataArray):
        raise RanvierError(
            f"{v_name} must be an xarray.DataArray with a {time_dim!r} coordinate (ms), "
            f"got {type(v).__name__}; use the array function for plain arrays"
        )
    if time_dim not in v.dims:
        raise RanvierError(
            f"{v_name} must have a {time_dim!r} dimension, got dims {tuple(v.dims)}"
        )
    if time_dim not in v.coords:
        raise RanvierError(
            f"{v_name} must have a {time_dim!r} coordinate holding the sample times (ms)"
        )
    t = np.asarray(v[time_dim].values, dtype=float)
    if v.ndim == 1:
        return t, np.asarray(v.values, dtype=float), None
    if v.ndim == 2:
        other = next(d for d in v.dims if d != time_dim)
        data = np.asarray(v.transpose(other, time_dim).values, dtype=float)
        return t, [row for row in data], other
    raise RanvierError(
        f"{v_name} must be 1-D ({time_dim!r}) or 2-D ({time_dim!r} and one other dim), "
        f"got dims {tuple(v.dims)}"
    )


def spike_times_xr(v: Any, threshold_mV: float = -20.0, *, time_dim: str = "time"):
    """:func:`spike_times` for an :class:`xarray.DataArray`.

    Parameters
    ----------
    v : xarray.DataArray
        Membrane potential in mV with a ``time_dim`` coordinate in ms. Either
        1-D (e.g. ``result["v"].sel(site="soma")``) or 2-D with one extra
        dimension such as ``site``.
    threshold_mV : float, optional
        Detection threshold in mV (default -20).
    time_dim : str, optional
        Name of the time dimension/coordinate (default ``"time"``).

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray
        For 1-D input, the crossing times in ms. For 2-D input, a list with
        one array of crossing times per entry along the other dimension, in
        that dimension's order.
    """
    t, traces, other = _split_dataarray(v, time_dim)
    if other is None:
        return spike_times(t, traces, threshold_mV)
    return [spike_times(t, row, threshold_mV) for row in traces]
