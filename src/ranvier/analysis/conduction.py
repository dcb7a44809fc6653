"""Conduction latency and velocity between two recording points.

Units: time in ms, distance in um, velocity in m/s (1 um/ms = 1e-3 m/s).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ranvier.errors import RanvierError, check_positive, check_real

from .spikes import _as_1d_float, _check_increasing, _check_trace, _split_dataarray, spike_times

__all__ = [
    "match_spikes",
    "latency_ms",
    "conduction_velocity_m_s",
    "conduction_velocity_from_traces",
    "conduction_velocity_from_traces_xr",
]

_UM_PER_MS_TO_M_PER_S = 1e-3


def _check_train(name: str, value: object) -> np.ndarray:
    if np.ndim(value) == 0:  # a single spike time given as a scalar
        value = [value]
    arr = _as_1d_float(name, value, "ms")
    _check_increasing(name, arr, "ms", strict=True)
    return arr


def match_spikes(t_a_ms: object, t_b_ms: object) -> tuple[np.ndarray, np.ndarray]:
    """Pair each spike at point a with the spike it produced at point b.

    Spike ``k`` at a is matched with the first spike at b that is strictly
    later than ``t_a[k]`` and strictly earlier than ``t_a[k+1]`` (no upper
    bound for the last spike at a). Spikes at a with no such spike at b
    (conduction failures) are left unmatched, as are extra spikes at b.

    Parameters
    ----------
    t_a_ms, t_b_ms : array_like, shape (n_a,), (n_b,)
        Spike times in ms at a and at b; finite and strictly increasing
        (either may be empty).

    Returns
    -------
    idx_a, idx_b : numpy.ndarray of int
        Indices into ``t_a_ms`` and ``t_b_ms`` of the matched pairs, in time
        order. Both are empty when nothing matched.
    """
    ta = _check_train("t_a_ms", t_a_ms)
    tb = _check_train("t_b_ms", t_b_ms)
    return _match(ta, tb)


def _match(ta: np.ndarray, tb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if ta.size == 0 or tb.size == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    # first b strictly after each a
    j = np.searchsorted(tb, ta, side="right")
    ok = j < tb.size
    upper = np.append(ta[1:], np.inf)
    jj = np.minimum(j, tb.size - 1)
    ok &= tb[jj] < upper
    idx_a = np.flatnonzero(ok)
    return idx_a.astype(np.intp), j[ok].astype(np.intp)


def _matched_latencies(t_a_ms: object, t_b_ms: object) -> np.ndarray:
    ta = _check_train("t_a_ms", t_a_ms)
    tb = _check_train("t_b_ms", t_b_ms)
    ia, ib = _match(ta, tb)
    if ia.size == 0:
        raise RanvierError(
            "conduction failed: no spike at point a reached point b "
            f"(t_a_ms has {ta.size} spike(s), t_b_ms has {tb.size}; a spike at b must "
            "follow a spike at a and come before the next spike at a)"
        )
    return tb[ib] - ta[ia]


def latency_ms(t_a_ms: object, t_b_ms: object) -> np.ndarray:
    """Conduction latency of each propagated spike, in ms.

    Parameters
    ----------
    t_a_ms, t_b_ms : array_like
        Spike times in ms at the near point a and the far point b; finite
        and strictly increasing. Pairing as in :func:`match_spikes`.

    Returns
    -------
    numpy.ndarray, shape (n_matched,)
        ``t_b - t_a`` in ms for every matched pair (all > 0).

    Raises
    ------
    RanvierError
        If no spike at a is matched at b (conduction failed), or the inputs
        are malformed.
    """
    return _matched_latencies(t_a_ms, t_b_ms)


def conduction_velocity_m_s(t_a_ms: object, t_b_ms: object, distance_um: float) -> np.ndarray:
    """Conduction velocity of each propagated spike, in m/s.

    Parameters
    ----------
    t_a_ms, t_b_ms : array_like
        Spike times in ms at the near point a and the far point b; finite
        and strictly increasing. Pairing as in :func:`match_spikes`; spikes
        that failed to reach b are skipped.
    distance_um : float
        Distance from a to b along the fibre in um, > 0.

    Returns
    -------
    numpy.ndarray, shape (n_matched,)
        ``distance_um / latency_ms * 1e-3`` in m/s for every matched pair.

    Raises
    ------
    RanvierError
        If ``distance_um`` is not a positive finite number, the inputs are
        malformed, or no spike propagated from a to b.

    Examples
    --------
    >>> conduction_velocity_m_s([1.0, 11.0], [1.5, 11.5], 1000.0)
    array([2., 2.])
    """
    dist = check_positive("distance_um", distance_um, "um")
    lat = _matched_latencies(t_a_ms, t_b_ms)
    return dist / lat * _UM_PER_MS_TO_M_PER_S


def conduction_velocity_from_traces(
    t_ms: object,
    v_a: object,
    v_b: object,
    distance_um: float,
    threshold_mV: float = -20.0,
) -> float:
    """Mean conduction velocity between two voltage traces, in m/s.

    Spikes are detected in each trace with :func:`spike_times`, paired with
    :func:`match_spikes` and the per-pair velocities averaged.

    Parameters
    ----------
    t_ms : array_like, shape (n,)
        Common sample times in ms; finite, strictly increasing.
    v_a, v_b : array_like, shape (n,)
        Membrane potential in mV at the near point a and the far point b.
    distance_um : float
        Distance from a to b in um, > 0.
    threshold_mV : float, optional
        Spike detection threshold in mV (default -20).

    Returns
    -------
    float
        Mean of the per-spike velocities in m/s.

    Raises
    ------
    RanvierError
        On malformed input or if no spike propagated from a to b.
    """
    dist = check_positive("distance_um", distance_um, "um")
    thr = check_real("threshold_mV", threshold_mV, "mV")
    t, va = _check_trace(t_ms, v_a, v_name="v_a")
    _, vb = _check_trace(t, v_b, v_name="v_b")
    ta = spike_times(t, va, thr)
    tb = spike_times(t, vb, thr)
    return float(np.mean(conduction_velocity_m_s(ta, tb, dist)))


def conduction_velocity_from_traces_xr(
    v_a: Any,
    v_b: Any,
    distance_um: float,
    threshold_mV: float = -20.0,
    *,
    time_dim: str = "time",
) -> float:
    """:func:`conduction_velocity_from_traces` for two 1-D DataArrays.

    Parameters
    ----------
    v_a, v_b : xarray.DataArray
        Membrane potential in mV at a and b, each 1-D along ``time_dim``
        with the same time coordinate in ms (e.g.
        ``result["v"].sel(site=...)``).
    distance_um : float
        Distance from a to b in um, > 0.
    threshold_mV : float, optional
        Spike detection threshold in mV (default -20).
    time_dim : str, optional
        Name of the time dimension/coordinate (default ``"time"``).

    Returns
    -------
    float
        Mean conduction velocity in m/s.
    """
    ta, a, other_a = _split_dataarray(v_a, time_dim, "v_a")
    tb, b, other_b = _split_dataarray(v_b, time_dim, "v_b")
    for name, other in (("v_a", other_a), ("v_b", other_b)):
        if other is not None:
            raise RanvierError(
                f"{name} must be 1-D along {time_dim!r}; select one site first, "
                f"e.g. {name}.sel({other}=...)"
            )
    if ta.shape != tb.shape or not np.array_equal(ta, tb):
        raise RanvierError(
            f"v_a and v_b must share the same {time_dim!r} coordinate, "
            f"got {ta.size} and {tb.size} samples with different times"
        )
    return conduction_velocity_from_traces(ta, a, b, distance_um, threshold_mV)
