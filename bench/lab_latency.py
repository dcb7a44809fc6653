"""How long the lab takes to answer a control change, per page, after warm-up.

For each page (the seed circuit and every experiment) this runs the page's defaults once (the
warm-up: numba's compiled kernels are loaded, imports done), then moves one control to a few new
values inside its declared range and times what the lab's worker does for each change: the
simulation and measurement (``run_seed`` / ``run_scene``), plus, for experiment pages, rendering
their figures to PNG as the page does. Nothing is cached between the timed changes (each value is
new). The browser's own drawing is not included (it is the same for every page, a few tens of ms).
Wall time and the process's CPU time are both reported: on a shared machine the wall time grows
with the other load, the CPU time much less (it counts every thread of numba's parallel kernels).

    .venv/bin/python bench/lab_latency.py                  # every page, 3 changes each
    .venv/bin/python bench/lab_latency.py --pages seed resting-potential --repeats 5
    .venv/bin/python bench/lab_latency.py --json lab_latency.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

FRACTIONS = (0.3, 0.55, 0.8, 0.2, 0.65, 0.45, 0.9)  # where in its range the moved control goes


def _moved_param(params):
    """The control a user would move: the first one, unless it is a resolution knob (steps, nodes)."""
    for p in params:
        if "bisection" not in p.name and not p.name.startswith("n_"):
            return p
    return params[0]


def _values(p, n: int) -> list[float]:
    out = []
    for f in FRACTIONS[:n]:
        v = p.lo + f * (p.hi - p.lo)
        if isinstance(p.default, int):
            v = float(round(v))
        if v == p.default or v in out:
            v = p.lo + (f + 0.05) * (p.hi - p.lo)
        out.append(v)
    return out


def time_page(name: str, repeats: int) -> dict:
    from ranvier.lab.scenes import figure_bytes, run_scene
    from ranvier.lab.seed_model import SEED_PARAMS, run_seed

    if name == "seed":
        params = SEED_PARAMS

        def work(values):
            run_seed(values)
    else:
        from ranvier.experiments import get

        params = get(name).params

        def work(values):
            run = run_scene(name, values)
            for _, fig in run.figures:
                figure_bytes(fig, "png")

    t0 = time.perf_counter()
    work({})
    warm = time.perf_counter() - t0
    p = _moved_param(params)
    times, cpu = [], []
    for v in _values(p, repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        work({p.name: v})
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        print(f"  {name}: {p.name}={v:g} -> {times[-1]:.2f} s wall, {cpu[-1]:.2f} s CPU", file=sys.stderr, flush=True)
    return {"page": name, "moved": p.name, "warm_up_s": round(warm, 3), "times_s": [round(t, 3) for t in times],
            "median_s": round(statistics.median(times), 3), "cpu_s": [round(c, 3) for c in cpu],
            "median_cpu_s": round(statistics.median(cpu), 3)}


def main(argv=None) -> int:
    from ranvier.experiments import catalogue

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", nargs="*", help="seed and/or experiment names (default: all)")
    ap.add_argument("--repeats", type=int, default=3, help="control changes timed per page (default 3)")
    ap.add_argument("--json", help="also write the numbers to this JSON file")
    args = ap.parse_args(argv)
    # cheapest first, so that an interrupted run has still measured most pages
    pages = args.pages or ["resting-potential", "seed", "ions-of-the-spike", "synaptic-transmission", "hypokalaemia",
                           "hyperkalaemia", "refractory-periods", "temperature", "summation", "threshold-and-all-or-none",
                           "myelin-and-diameter", "drugs", "demyelination"]
    pages += [n for n in catalogue() if n not in pages and not args.pages]
    rows = []
    for name in pages:
        rows.append(time_page(name, args.repeats))
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"\nlab re-simulation after a control change (CPU: {cpu}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"{'page':28s} {'moved control':28s} {'warm-up s':>10s} {'median s':>9s} {'median CPU s':>13s}  under 1 s")
    for r in rows:
        print(f"{r['page']:28s} {r['moved']:28s} {r['warm_up_s']:10.2f} {r['median_s']:9.2f} "
              f"{r['median_cpu_s']:13.2f}  {'yes' if r['median_s'] < 1.0 else 'no'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": cpu, "cores": os.cpu_count(), "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
