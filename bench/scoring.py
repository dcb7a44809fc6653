"""Score one simulator's recordings of one problem against the problem's reference."""

from __future__ import annotations

import math

import numpy as np

from bench import metrics
from bench import problems as pb
from bench.references import Reference

QUICK_MARGIN_MS = 2.0  # --quick: ignore spikes this close to the end, where "late" and "missing" look alike


def score(problem: pb.Problem, ref: Reference, t: np.ndarray, v: np.ndarray, tstop_ms: float, quick: bool) -> dict:
    """Spike-time and voltage errors against ``ref``; also every trace's spike count (for cross-checks)."""
    limit = tstop_ms - QUICK_MARGIN_MS if quick else math.inf
    spikes = [metrics.spike_times(t, row) for row in v]
    spikes = [s[s < limit] for s in spikes]
    per_trace = []
    for k, idx in enumerate(ref.trace_index):
        r = metrics.in_window(ref.spikes[k], min(limit, tstop_ms + 1e-9))
        e = metrics.spike_errors(spikes[idx], r)
        e["trace"] = problem.recordings[idx]
        if ref.v is not None:
            e["max_abs_v_mV"] = metrics.max_abs_v_error(t, v[idx], ref.t, ref.v[k])
        per_trace.append(e)
    errs = [e["max_abs_ms"] for e in per_trace if not math.isnan(e["max_abs_ms"])]
    out = {
        "reference": ref.provenance,
        "per_trace": per_trace if len(per_trace) <= 4 else None,
        "spike_max_abs_ms": max(errs) if errs else math.nan,
        "count_diffs": [e["count_diff"] for e in per_trace],
        "v_max_abs_mV": max((e.get("max_abs_v_mV", math.nan) for e in per_trace), default=math.nan),
        "spike_counts": [int(s.size) for s in spikes],
    }
    if problem.key == "P1":
        out["v_max_abs_mV"] = per_trace[0]["max_abs_v_mV"]  # the brief: V at x = 0
        out["v_where"] = "x=0"
    if problem.key == "P3":
        out["per_reference_cable"] = {str(i): {"count_diff": e["count_diff"], "max_abs_ms": e["max_abs_ms"]}
                                      for i, e in zip(ref.trace_index, per_trace)}
        out["reference_cables_with_count_diff"] = sum(1 for e in per_trace if e["count_diff"] != 0)
        out["total_spikes"] = int(sum(out["spike_counts"]))
    return out


def summary(problem: pb.Problem, s: dict) -> str:
    """One short line for the table."""
    dn = s["count_diffs"]
    if problem.key == "P3":
        bad = s["reference_cables_with_count_diff"]
        return (f"|Δt|≤{_ms(s['spike_max_abs_ms'])} ms, Δn≠0 on {bad}/{len(dn)} ref cables, "
                f"|ΔV|≤{s['v_max_abs_mV']:.3g} mV; {s['total_spikes']} spikes")
    dn_text = "/".join(f"{d:+d}" for d in dn)
    v = s["v_max_abs_mV"]
    return f"|Δt|≤{_ms(s['spike_max_abs_ms'])} ms, Δn {dn_text}, |ΔV|≤{v:.3g} mV"


def _ms(x: float) -> str:
    return "nan" if math.isnan(x) else f"{x:.3g}"
