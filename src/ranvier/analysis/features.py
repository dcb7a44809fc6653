"""Action-potential shape features.

The spike threshold follows the derivative criterion reviewed by Sekerli,
Del Negro, Lee and Butera (2004), "Estimating action potential thresholds
from neuronal time-series: new metrics and evaluation of methodologies",
IEEE Trans. Biomed. Eng. 51(9):1665-1672: the threshold is the membrane
potential at which dV/dt first exceeds a fixed rate (here
``dvdt_threshold_mV_per_ms``, default 10 mV/ms) on the upstroke of the spike.

Units: time in ms, voltage in mV, rates in mV/ms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ranvier.errors import check_positive, check_real

from .spikes import _check_trace, _split_dataarray, _upward_crossings

__all__ = ["APFeatures", "ap_features", "ap_features_xr"]

_NAN = float("nan")


@dataclass(frozen=True)
class APFeatures:
    """Shape features of one action potential.

    Attributes
    ----------
    onset_ms : float
        Time (ms) at which dV/dt crosses the rate threshold upward on the
        upstroke (linearly interpolated between samples). NaN if dV/dt never
        reaches the rate threshold, or is already above it at the start of the
        search window.
    threshold_mV : float
        Membrane potential (mV) at ``onset_ms`` (linearly interpolated).
    peak_ms : float
        Time (ms) of the largest sample of the spike.
    peak_mV : float
        Largest sampled potential (mV) of the spike.
    amplitude_mV : float
        ``peak_mV - threshold_mV`` (mV).
    half_width_ms : float
        Duration (ms) for which the potential is above the level halfway
        between ``threshold_mV`` and ``peak_mV``; both crossings of that level
        are linearly interpolated. NaN if the trace ends (or the next spike
        begins) before the potential falls back through the level.
    ahp_mV : float
        Minimum potential (mV) between the peak and the next spike's onset,
        or the end of the trace for the last spike.
    ahp_depth_mV : float
        ``threshold_mV - ahp_mV`` (mV); positive when the after-
        hyperpolarisation goes below threshold.
    max_rise_mV_per_ms : float
        Largest dV/dt (mV/ms) on the upstroke.
    max_fall_mV_per_ms : float
        Largest rate of fall (mV/ms) on the downstroke, reported as a positive
        number: ``-min(dV/dt)`` between the peak and the AHP minimum.
    """

    onset_ms: float
    threshold_mV: float
    peak_ms: float
    peak_mV: float
    amplitude_mV: float
    half_width_ms: float
    ahp_mV: float
    ahp_depth_mV: float
    max_rise_mV_per_ms: float
    max_fall_mV_per_ms: float


def _lerp_at(t: np.ndarray, y: np.ndarray, i: int, level: float) -> float:
    """Time at which segment ``i -> i+1`` of ``y(t)`` reaches ``level``."""
    y0, y1 = y[i], y[i + 1]
    if y1 == y0:
        return float(t[i])
    frac = (level - y0) / (y1 - y0)
    frac = min(max(frac, 0.0), 1.0)
    return float(t[i] + frac * (t[i + 1] - t[i]))


def _onset(t, v, dvdt, lo: int, m: int, rate: float):
    """Onset index/time/voltage: start of the supra-threshold dV/dt run ending at ``m``.

    Scans back from ``m`` (the upstroke's max-dV/dt sample) to the last sample
    ``i >= lo`` with ``dvdt[i] < rate`` and interpolates between ``i`` and
    ``i+1``. Returns ``(i, onset_ms, threshold_mV)`` or ``(None, nan, nan)``.
    """
    below = np.flatnonzero(dvdt[lo:m] < rate)
    if below.size == 0:
        return None, _NAN, _NAN
    i = lo + int(below[-1])
    d0, d1 = dvdt[i], dvdt[i + 1]
    frac = (rate - d0) / (d1 - d0)  # d1 >= rate > d0, so d1 > d0
    frac = min(max(frac, 0.0), 1.0)
    onset = float(t[i] + frac * (t[i + 1] - t[i]))
    thr = float(v[i] + frac * (v[i + 1] - v[i]))
    return i, onset, thr


def ap_features(
    t_ms: object,
    v_mV: object,
    *,
    dvdt_threshold_mV_per_ms: float = 10.0,
    spike_threshold_mV: float = -20.0,
) -> list[APFeatures]:
    """Measure threshold, peak, width and AHP of every action potential.

    Spikes are detected as upward crossings of ``spike_threshold_mV`` (see
    :func:`ranvier.analysis.spike_times`). For each spike:

    * the peak is the largest sample between its crossing and the next
      spike's crossing (or the end of the trace);
    * dV/dt is ``numpy.gradient(v, t)`` (central differences, one-sided at
      the ends; non-uniform sampling is handled);
    * the onset is where dV/dt rises through ``dvdt_threshold_mV_per_ms``
      at the start of the upstroke (Sekerli et al. 2004, IEEE Trans Biomed
      Eng 51:1665): scanning back from the sample of maximal dV/dt before
      the peak (no further back than the previous spike's peak) to the last
      sample whose dV/dt is below the rate threshold, then interpolating
      linearly to the crossing; the threshold voltage is ``v`` interpolated
      at that time;
    * the half-width is measured at ``(threshold + peak) / 2``;
    * the AHP is the minimum between the peak and the next spike's onset
      sample (or the end of the trace).

    Parameters
    ----------
    t_ms : array_like, shape (n,)
        Sample times in ms; finite, strictly increasing, ``n >= 2``.
    v_mV : array_like, shape (n,)
        Membrane potential in mV; finite.
    dvdt_threshold_mV_per_ms : float, optional
        Rate criterion for the onset in mV/ms, > 0 (default 10).
    spike_threshold_mV : float, optional
        Voltage a spike must cross upward to be counted, in mV (default -20).

    Returns
    -------
    list of APFeatures
        One entry per spike in time order; ``[]`` if there is no spike.
        Fields that cannot be measured (see :class:`APFeatures`) are NaN.

    Raises
    ------
    RanvierError
        On malformed traces (see :func:`ranvier.analysis.spike_times`) or a
        non-positive / non-finite rate threshold.
    """
    t, v = _check_trace(t_ms, v_mV)
    rate = check_positive("dvdt_threshold_mV_per_ms", dvdt_threshold_mV_per_ms, "mV/ms")
    sthr = check_real("spike_threshold_mV", spike_threshold_mV, "mV")

    cross = _upward_crossings(v, sthr)
    if cross.size == 0:
        return []
    n = v.size
    dvdt = np.gradient(v, t)

    # pass 1: peaks, max rise and onsets
    peaks: list[int] = []
    onsets: list[tuple[int | None, float, float]] = []
    rises: list[float] = []
    for k, c in enumerate(cross):
        end = int(cross[k + 1]) + 1 if k + 1 < cross.size else n
        p = int(c) + 1 + int(np.argmax(v[c + 1 : end]))
        lo = peaks[-1] if peaks else 0
        m = lo + int(np.argmax(dvdt[lo : p + 1]))
        max_rise = float(dvdt[m])
        if max_rise < rate:
            onsets.append((None, _NAN, _NAN))
        else:
            onsets.append(_onset(t, v, dvdt, lo, m, rate))
        peaks.append(p)
        rises.append(max_rise)

    # pass 2: widths and AHPs need the next spike's onset
    out: list[APFeatures] = []
    for k, p in enumerate(peaks):
        i_on, onset_ms, thr = onsets[k]
        if k + 1 < len(peaks):
            nxt = onsets[k + 1][0]
            stop = (nxt if nxt is not None and nxt >= p else int(cross[k + 1])) + 1
        else:
            stop = n
        seg = v[p:stop]
        j_ahp = p + int(np.argmin(seg))
        ahp = float(v[j_ahp])
        max_fall = float(-np.min(dvdt[p : j_ahp + 1]))

        peak_mV = float(v[p])
        half_width = _NAN
        if math.isfinite(thr):
            level = 0.5 * (thr + peak_mV)
            start = i_on if i_on is not None else 0
            below_up = np.flatnonzero(v[start:p] < level)
            below_down = np.flatnonzero(seg < level)
            if below_up.size and below_down.size:
                a = start + int(below_up[-1])
                b = p + int(below_down[0]) - 1
                half_width = _lerp_at(t, v, b, level) - _lerp_at(t, v, a, level)

        out.append(
            APFeatures(
                onset_ms=onset_ms,
                threshold_mV=thr,
                peak_ms=float(t[p]),
                peak_mV=peak_mV,
                amplitude_mV=peak_mV - thr,
                half_width_ms=half_width,
                ahp_mV=ahp,
                ahp_depth_mV=thr - ahp,
                max_rise_mV_per_ms=rises[k],
                max_fall_mV_per_ms=max_fall,
            )
        )
    return out


def ap_features_xr(
    v: Any,
    *,
    dvdt_threshold_mV_per_ms: float = 10.0,
    spike_threshold_mV: float = -20.0,
    time_dim: str = "time",
):
    """:func:`ap_features` for an :class:`xarray.DataArray`.

    Parameters
    ----------
    v : xarray.DataArray
        Membrane potential in mV with a ``time_dim`` coordinate in ms; 1-D or
        2-D with one extra dimension (e.g. ``site``).
    dvdt_threshold_mV_per_ms, spike_threshold_mV : float, optional
        As in :func:`ap_features`.
    time_dim : str, optional
        Name of the time dimension/coordinate (default ``"time"``).

    Returns
    -------
    list of APFeatures, or list of list of APFeatures
        For 2-D input, one list per entry along the other dimension.
    """
    t, traces, other = _split_dataarray(v, time_dim)
    kw = dict(
        dvdt_threshold_mV_per_ms=dvdt_threshold_mV_per_ms,
        spike_threshold_mV=spike_threshold_mV,
    )
    if other is None:
        return ap_features(t, traces, **kw)
    return [ap_features(t, row, **kw) for row in traces]
