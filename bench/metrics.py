"""Error metrics: spike times (upward -20 mV crossings, linearly interpolated) and voltage differences.

The same crossing rule as ``ranvier.analysis.spike_times`` and the Rallpack 3 reference,
written out here so that the harness does not need ranvier to score NEURON or Arbor.
"""

from __future__ import annotations

import math

import numpy as np

from bench.problems import SPIKE_THRESHOLD_MV


def spike_times(t: np.ndarray, v: np.ndarray, threshold_mV: float = SPIKE_THRESHOLD_MV) -> np.ndarray:
    """Times (ms) where v crosses ``threshold_mV`` upwards, interpolated linearly between samples."""
    t = np.asarray(t, float)
    v = np.asarray(v, float)
    i = np.flatnonzero((v[:-1] < threshold_mV) & (v[1:] >= threshold_mV))
    return t[i] + (threshold_mV - v[i]) * (t[i + 1] - t[i]) / (v[i + 1] - v[i])


def in_window(spikes, tstop_ms: float) -> np.ndarray:
    """Reference spikes that a run of ``tstop_ms`` can show (for --quick runs)."""
    s = np.asarray(spikes, float)
    return s[s < tstop_ms]


def spike_errors(spikes, ref) -> dict:
    """k-th spike against the k-th reference spike (regular trains: index order is the pairing).

    ``max_abs_ms``: the largest |error| over the paired spikes (NaN if none pair);
    ``count_diff``: spikes - reference spikes.
    """
    s, r = np.asarray(spikes, float), np.asarray(ref, float)
    n = min(s.size, r.size)
    err = float(np.max(np.abs(s[:n] - r[:n]))) if n else math.nan
    first = float(s[0] - r[0]) if n else math.nan
    return {"max_abs_ms": err, "first_ms": first, "count_diff": int(s.size - r.size), "n": int(s.size),
            "n_ref": int(r.size)}


def max_abs_v_error(t, v, t_ref, v_ref) -> float:
    """max |V - V_ref| (mV) over the simulator's samples, the reference interpolated onto them."""
    t = np.asarray(t, float)
    keep = t <= np.asarray(t_ref)[-1] + 1e-9
    vr = np.interp(t[keep], np.asarray(t_ref, float), np.asarray(v_ref, float))
    return float(np.max(np.abs(np.asarray(v, float)[keep] - vr)))
