"""Sweep batching bar (issue 17): a 1,000-point conduction-velocity-over-diameter sweep
(``rv.sweep("myelin-and-diameter", ...)``, in this process, points batched into one
Simulation per chunk and run in lanes) against 1,000 separate ``Simulation.run()`` calls
(one fibre each, built by the same target; the single-cell path runs its own optimised
layout, one branched cell in one lane).

Both sides build their simulations, run them and measure the velocity; both are timed warm
(kernels compiled or loaded from numba's cache by a first, untimed pass). The separate runs
are timed on ``--separate`` points evenly spread over the same diameters and extrapolated
to 1,000 (reported as such). The velocities of the sampled separate runs are compared with
the sweep's at the same diameters (they must agree to 1e-9 relative).

    .venv/bin/python -m bench.sweep_batching [--points 1000] [--separate 100] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=1000)
    ap.add_argument("--separate", type=int, default=100, help="separate runs actually timed (then extrapolated)")
    ap.add_argument("--n-nodes", type=float, default=11.0)
    ap.add_argument("--scheduler", default="in-process",
                    help="in-process (default) or local: a 2-process LocalCluster started (and warmed) before timing")
    ap.add_argument("--json", help="write the numbers to this file")
    args = ap.parse_args(argv)

    import numba

    import ranvier as rv
    from ranvier.sweep.targets import CONDUCTION

    diams = np.linspace(2.0, 20.0, args.points)
    grid = {"fiber_diam_um": diams, "n_nodes": [args.n_nodes]}

    # warm: compile / load every kernel either side uses
    t0 = time.perf_counter()
    rv.sweep(CONDUCTION, {"fiber_diam_um": diams[:16], "n_nodes": [args.n_nodes]}, scheduler="in-process")
    for d in diams[:2]:
        CONDUCTION.measure(CONDUCTION.build(**CONDUCTION.full({"fiber_diam_um": d, "n_nodes": args.n_nodes})).run())
    warm_s = time.perf_counter() - t0

    client = None
    cluster_s = 0.0
    if args.scheduler == "local":
        from ranvier.sweep.dist import local_client

        t0 = time.perf_counter()
        client, cluster = local_client(os.cpu_count())
        rv.sweep(CONDUCTION, {"fiber_diam_um": diams[:32], "n_nodes": [args.n_nodes]}, client=client, chunk_size=16)
        cluster_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = rv.sweep(CONDUCTION, grid, client=client, scheduler="in-process", progress=False)
    sweep_s = time.perf_counter() - t0
    if client is not None:
        client.close()
        cluster.close()
    v_sweep = ds.velocity_m_s.values.ravel()

    idx = np.unique(np.linspace(0, args.points - 1, args.separate).round().astype(int))
    t0 = time.perf_counter()
    v_sep = []
    for i in idx:
        sim = CONDUCTION.build(**CONDUCTION.full({"fiber_diam_um": float(diams[i]), "n_nodes": args.n_nodes}))
        v_sep.append(CONDUCTION.measure(sim.run(progress=False))["velocity_m_s"])
    sep_s = time.perf_counter() - t0
    per_run = sep_s / idx.size
    sep_1000 = per_run * args.points
    dev = float(np.max(np.abs(np.array(v_sep) - v_sweep[idx]) / np.abs(v_sweep[idx])))
    out = {
        "scheduler": ds.attrs["scheduler"], "cluster_start_and_warm_s": round(cluster_s, 2),
        "points": args.points, "n_nodes": args.n_nodes, "chunk_size": ds.attrs["chunk_size"],
        "chunks": ds.attrs["chunks_total"], "sweep_s": round(sweep_s, 3),
        "separate_timed": int(idx.size), "separate_timed_s": round(sep_s, 3), "separate_per_run_s": round(per_run, 5),
        "separate_extrapolated_s": round(sep_1000, 2), "speedup": round(sep_1000 / sweep_s, 2),
        "max_relative_velocity_difference": dev, "warmup_s": round(warm_s, 2),
        "numba_threads": numba.get_num_threads(), "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(), "load_average": os.getloadavg(),
        "engine_note": "sweep: lanes of 8 identical fibres per chunk; separate: one branched cell in one lane",
    }
    assert dev < 1e-9, f"sweep and separate runs disagree: {dev}"
    print(json.dumps(out, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    return out


if __name__ == "__main__":
    main()
