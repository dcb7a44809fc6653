"""One simulator on one problem, in a fresh process (``python -m bench.child ...``).

Started by :mod:`bench.runner`, which passes its launch time (CLOCK_MONOTONIC, shared
by all processes on the machine) in ``BENCH_T_LAUNCH``. This process:

1. imports the simulator and builds the model (each timed),
2. runs it once: the end of this first run, minus the launch time, is the cold time
   (process start + imports + build + first run, including any JIT compilation),
3. runs it again up to ``--repeat`` times (each after an untimed reset) and keeps the
   best: the warm time; it stops early once the warm runs have taken ``--warm-budget-s``
   in all (at least one warm run always happens),
4. writes ``result.json`` (timings, peak memory) and ``traces.npz`` (the recorded
   voltages of the last run) into ``--out``.

It imports only the simulator under test (ranvier is never imported by the NEURON or
Arbor children), so imports and memory are that simulator's own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _now() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def peak_rss_MiB() -> float:
    """This process's peak resident memory (MiB): VmHWM, the high-water mark of its own address space.

    Not getrusage: on Linux ru_maxrss (RUSAGE_SELF here, or wait4/RUSAGE_CHILDREN in the
    parent) also keeps the peak of the pre-exec copy of the parent, so a child started
    by a parent holding 500 MiB reports at least 500 MiB.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.child")
    ap.add_argument("--sim", required=True, choices=("ranvier", "neuron", "arbor"))
    ap.add_argument("--problem", required=True)
    ap.add_argument("--variant", default="{}", help="JSON dict of simulator options (neuron: usetable)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--warm-budget-s", type=float, default=30.0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t_launch = float(os.environ.get("BENCH_T_LAUNCH", "nan"))

    import numpy as np

    from bench import problems as pb

    problem = pb.PROBLEMS[a.problem]
    tstop = problem.tstop(a.quick)
    variant = json.loads(a.variant)

    t0 = time.perf_counter()
    if a.sim == "ranvier":
        import ranvier  # noqa: F401  (the import is what is timed)

        from bench.model_ranvier import Model
    elif a.sim == "neuron":
        import neuron  # noqa: F401

        from bench.model_neuron import Model
    else:
        import arbor  # noqa: F401

        from bench.model_arbor import Model
    t_import = time.perf_counter() - t0

    t0 = time.perf_counter()
    model = Model(problem, tstop, variant, a.threads)
    t_build = time.perf_counter() - t0

    t0 = time.perf_counter()
    model.prepare()  # NEURON: finitialize; Arbor: reset; untimed in warm runs, part of the cold time
    t_prepare = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.run()
    t_first = time.perf_counter() - t0
    cold_end = _now()

    warm: list[float] = []
    for _ in range(max(1, a.repeat)):
        model.prepare()
        t0 = time.perf_counter()
        model.run()
        warm.append(time.perf_counter() - t0)
        if sum(warm) >= a.warm_budget_s:
            break

    t, v = model.traces()
    np.savez(os.path.join(a.out, "traces.npz"), t=t, v=v.astype(np.float32 if v.shape[0] > 16 else np.float64))
    out = {
        "simulator": a.sim,
        "version": model.version,
        "problem": a.problem,
        "variant": variant,
        "threads": a.threads,
        "tstop_ms": tstop,
        "dt_ms": problem.dt_ms,
        "cold_s": cold_end - t_launch,
        "import_s": t_import,
        "build_s": t_build,
        "first_prepare_s": t_prepare,
        "first_run_s": t_first,
        "warm_runs_s": warm,
        "warm_s": min(warm),
        "sim_units": model.units(),
        "notes": model.notes,
        "diagnostics": model.diagnostics(),
        "python": sys.version.split()[0],
        "max_rss_MiB": peak_rss_MiB(),
    }
    with open(os.path.join(a.out, "result.json"), "w") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
