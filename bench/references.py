"""Reference solutions the benchmark scores every simulator against.

* P1: the Rallpack 3 reference shipped with ranvier's tests
  (``tests/data/rallpacks/rallpack3_reference.npz``: NEURON 9.0.2, 3000 compartments,
  dt = 1 us; provenance in ``tests/data/rallpacks/PROVENANCE.md``).
* P2, P3, P4: ranvier itself with Crank-Nicolson (second order) at dt = 1 us, computed
  once and cached in ``bench/data/`` (``P*_reference.json`` for spike times and
  provenance, ``P*_reference.npz`` for voltages every 25 us). P3's reference covers
  every 50th cable (20 of the 1000; their stimuli span the whole 0.02-0.2 nA range) to
  keep its cost near a minute. A cache whose problem description no longer matches
  is recomputed. Regenerate by hand with ``python -m bench.references --force``.

Because the P2-P4 references are ranvier runs, they measure each simulator's
time-discretisation error (BE at 25 us against CN at 1 us, same spatial grid), not
ranvier's modelling against an independent code; P1 is the independent check.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import platform
import subprocess
import time
from pathlib import Path

import numpy as np

from bench import metrics
from bench import problems as pb

DATA = Path(__file__).resolve().parent / "data"
RALLPACK3 = Path(__file__).resolve().parent.parent / "tests" / "data" / "rallpacks" / "rallpack3_reference.npz"
REF_METHOD = "cn"
REF_DT_MS = 0.001
REF_STORE_DT_MS = 0.025
P3_REF_CELLS = tuple(range(0, pb.P3_N_CELLS, 50))


def spec_of(problem: pb.Problem) -> dict:
    """Everything the physics of ``problem`` depends on, plus the reference settings."""
    consts = {k: getattr(pb, k) for k in (
        "RA_OHM_CM", "CM_UF_CM2", "TEMPERATURE_DEGC", "E_NA_MV", "E_K_MV", "G_NA_S_CM2", "G_K_S_CM2",
        "RALL_G_LEAK_S_CM2", "RALL_E_LEAK_MV", "HH_G_LEAK_S_CM2", "HH_E_LEAK_MV", "V_INIT_MV", "SPIKE_THRESHOLD_MV")}
    d = dataclasses.asdict(problem)
    d.pop("quick_tstop_ms")
    d.pop("title")
    d.pop("recordings")
    return {"problem": d, "constants": consts, "method": REF_METHOD, "dt_ms": REF_DT_MS, "rates": "exact (no tables)",
            "cells": list(P3_REF_CELLS) if problem.key == "P3" else None}


def _hash(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def _git_describe() -> str:
    try:
        root = Path(__file__).resolve().parent.parent
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "src"], capture_output=True,
                               text=True, timeout=10).stdout.strip()
        return head + ("+uncommitted changes in src/" if dirty else "")
    except Exception:
        return "unknown"


@dataclasses.dataclass
class Reference:
    """Spike times per recorded trace, and optionally voltages (every 25 us) for the same traces."""

    spikes: list[np.ndarray]
    t: np.ndarray | None
    v: np.ndarray | None
    trace_index: list[int]  # which of the problem's recorded traces each reference trace is
    provenance: str


def load(problem: pb.Problem, *, compute: bool = True) -> Reference:
    if problem.key == "P1":
        with np.load(RALLPACK3) as z:
            return Reference(
                spikes=[z["spikes_x0_ms"], z["spikes_xL_ms"]], t=z["t_ms"].astype(float),
                v=np.stack([z["v_x0_mV"], z["v_xL_mV"]]).astype(float), trace_index=[0, 1],
                provenance="tests/data/rallpacks/rallpack3_reference.npz: NEURON 9.0.2, 3000 compartments, rate "
                           "tables off; voltages CN at dt = 1 us, spike times BE at 1.25/0.625 us + Richardson "
                           "(tests/data/rallpacks/PROVENANCE.md)",
            )
    jpath = DATA / f"{problem.key}_reference.json"
    npath = DATA / f"{problem.key}_reference.npz"
    spec = spec_of(problem)
    if jpath.exists() and npath.exists():
        meta = json.loads(jpath.read_text())
        if meta.get("spec_hash") == _hash(spec):
            with np.load(npath) as z:
                return Reference([np.asarray(s, float) for s in meta["spikes_ms"]], z["t"].astype(float),
                                 z["v"].astype(float), meta["trace_index"], meta["provenance"])
        print(f"bench: the cached {problem.key} reference was made for another problem description; recomputing")
    if not compute:
        raise FileNotFoundError(jpath)
    return make(problem)


def make(problem: pb.Problem) -> Reference:
    """Compute and cache the ranvier CN dt = 1 us reference of ``problem`` (P2, P3 or P4)."""
    import ranvier

    from bench.model_ranvier import simulation

    cells = list(P3_REF_CELLS) if problem.key == "P3" else None
    sim = simulation(problem, problem.tstop_ms, method=REF_METHOD, dt_ms=REF_DT_MS, cells=cells, rate_tables=False)
    print(f"bench: computing the {problem.key} reference (ranvier CN, dt = {REF_DT_MS * 1000:g} us)...", flush=True)
    t0 = time.perf_counter()
    res = sim.run(progress=False)
    took = time.perf_counter() - t0
    t = np.asarray(res.time.values, float)
    v = np.asarray(res.v.values, float)
    spikes = [metrics.spike_times(t, row) for row in v]
    every = int(round(REF_STORE_DT_MS / REF_DT_MS))
    trace_index = list(P3_REF_CELLS) if problem.key == "P3" else list(range(v.shape[0]))
    provenance = (
        f"ranvier {ranvier.__version__} (repo {_git_describe()}), Crank-Nicolson at dt = {REF_DT_MS * 1000:g} us, "
        "rates evaluated exactly (no tables), "
        f"same compartments as the benchmark, tstop {problem.tstop_ms:g} ms; spike times from every 1 us sample; "
        f"made {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')} on {platform.node() or 'unknown'} "
        f"in {took:.0f} s by bench/references.py"
        + (f"; cables {P3_REF_CELLS[0]}, {P3_REF_CELLS[1]}, ..., {P3_REF_CELLS[-1]} of the batch" if cells else "")
    )
    DATA.mkdir(exist_ok=True)
    meta = {
        "problem": problem.key, "spec_hash": _hash(spec_of(problem)), "spec": spec_of(problem),
        "provenance": provenance, "trace_index": trace_index,
        "recordings": [problem.recordings[i] for i in trace_index],
        "spikes_ms": [s.tolist() for s in spikes],
    }
    (DATA / f"{problem.key}_reference.json").write_text(json.dumps(meta, indent=1) + "\n")
    np.savez_compressed(DATA / f"{problem.key}_reference.npz", t=t[::every], v=v[:, ::every].astype(np.float32))
    print(f"bench: {problem.key} reference done in {took:.0f} s", flush=True)
    return Reference(spikes, t[::every], v[:, ::every].astype(np.float32).astype(float), trace_index, provenance)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.references", description="(Re)compute the cached references.")
    ap.add_argument("problems", nargs="*", default=["P2", "P3", "P4"])
    ap.add_argument("--force", action="store_true", help="recompute even if the cache matches")
    a = ap.parse_args(argv)
    for key in a.problems:
        p = pb.PROBLEMS[key]
        if a.force:
            make(p)
        else:
            load(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
