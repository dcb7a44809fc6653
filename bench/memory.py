"""P3's memory against its state size (the issue's bar: under 2x).  ``python -m bench.memory``

The benchmark's "peak RSS" column is the whole process: Python, NumPy, xarray, numba and
LLVM and the compiled kernels are about 210 MiB before any model exists, so it cannot
show what one simulation costs. This measures that, in one fresh process, one thread:

1. import ranvier and run two small P3 simulations (1 cable, 16 cables), so that every
   kernel P3 uses is loaded from the numba cache (compiled first if the cache is empty);
2. reset the peak (``/proc/self/clear_refs``, ``5``) and read the resident size: the
   baseline;
3. build the full P3 Simulation, ``prepare()`` it (lowering and rate tables) and ``run()``
   it, holding the result; read the peak (``VmHWM``) after each step.

(The kernels must be in the numba cache already, or compiling them in step 1 inflates
the baseline: run it twice after a change to the numerics.)

"Own data" is the peak minus the baseline. The state is what the run must hold in any
simulator: the voltage at every node, every gate's state, and the recordings the
problem asks for (sites x samples), 8 bytes each. Also reported: the sizes of the
arrays the Simulation keeps between runs (lowered model, its follower-free copy, lane
plan, rate tables, layout), read from the objects, so that a change can be traced to a part.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

MiB = 2.0**20


def _status() -> dict[str, float]:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(line.split()[1]) / 1024.0
    return out


def _reset_peak() -> bool:
    """Make VmHWM restart from the present resident size (Linux 4.0+); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _nbytes(obj) -> int:
    import numpy as np

    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, tuple):  # NamedTuples of arrays, and tuples of those
        return sum(_nbytes(x) for x in obj)
    return 0


def measure() -> dict:
    import numpy as np

    from bench import problems as pb
    from bench.model_ranvier import simulation

    p3 = pb.PROBLEMS["P3"]
    for cells in ([0], list(range(16))):
        simulation(p3, 1.0, cells=cells).run(progress=False, threads=1)
    gc.collect()
    clean = _reset_peak()
    base = _status()["VmRSS"]
    rows = []

    def mark(what: str) -> None:
        s = _status()
        rows.append({"after": what, "rss_MiB": s["VmRSS"] - base, "peak_MiB": s["VmHWM"] - base})

    sim = simulation(p3, p3.tstop_ms)
    mark("Simulation built")
    prepared = sim.prepare()
    lowered = {"lowered model": _nbytes(prepared[1]), "rate tables": _nbytes(prepared[4])}
    del prepared  # (a reference held here would keep the model alive through the run)
    mark("prepare(): lowered model and rate tables")
    res = sim.run(progress=False, threads=1)
    mark("run(), result held")
    rt = sim.__dict__.get("_runtime_cache")
    plan = rt.plan
    n_samp = res.sizes["time"]
    n_recs = sum(int(np.prod(res[v].shape[:-1])) for v in res.data_vars)
    state = {
        "voltages": rt.v_rest.shape[0] * 8,
        "gate states": rt.state0.shape[0] * 8,
        "recordings": n_recs * n_samp * 8,
    }
    parts = {
        "model the integrator takes": _nbytes(rt.model),
        "lane plan": _nbytes(plan) if plan is not None else 0,
        "rate tables": _nbytes(rt.tabs),
        "layout arrays": sum(a.nbytes for a in vars(rt.layout).values() if isinstance(a, np.ndarray)),
        "initial state": rt.v0.nbytes + rt.state0.nbytes + rt.xstate0.nbytes + rt.v_rest.nbytes,
        "lowered model still held": _nbytes(sim.__dict__["_prepared"][1]) if "_prepared" in sim.__dict__ else 0,
        "result (recordings)": int(res.nbytes),
    }
    state_MiB = sum(state.values()) / MiB
    peak = max(r["peak_MiB"] for r in rows)
    return {
        "problem": "P3", "threads": 1, "peak_reset": clean, "baseline_rss_MiB": base,
        "state_MiB": {k: v / MiB for k, v in state.items()}, "state_total_MiB": state_MiB,
        "own_peak_MiB": peak, "ratio_to_state": peak / state_MiB, "steps": rows,
        "prepare_MiB": {k: v / MiB for k, v in lowered.items()},
        "parts_MiB": {k: v / MiB for k, v in parts.items()}, "engine": res.attrs.get("engine", ""),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n")[0])
    ap.add_argument("--json", default=None, help="also write the numbers to this file")
    a = ap.parse_args(argv)
    r = measure()
    print(f"P3 memory, one thread ({r['engine']})")
    print(f"  baseline (kernels loaded): {r['baseline_rss_MiB']:.0f} MiB resident"
          + ("" if r["peak_reset"] else "  [peak reset not allowed: peaks include earlier transients]"))
    for s in r["steps"]:
        print(f"  after {s['after']:<45s} +{s['rss_MiB']:6.1f} MiB resident, peak +{s['peak_MiB']:6.1f} MiB")
    print("  state: " + ", ".join(f"{k} {v:.2f}" for k, v in r["state_MiB"].items())
          + f" = {r['state_total_MiB']:.1f} MiB")
    print("  prepare() built: " + ", ".join(f"{k} {v:.1f}" for k, v in r["prepare_MiB"].items()) + " MiB")
    print("  held between runs: " + ", ".join(f"{k} {v:.1f}" for k, v in r["parts_MiB"].items()) + " MiB")
    print(f"  own data peak {r['own_peak_MiB']:.1f} MiB = {r['ratio_to_state']:.2f}x the state (bar: under 2x)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
