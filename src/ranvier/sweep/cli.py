"""``ranvier sweep``: the command line of :func:`ranvier.sweep` (public API only)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ranvier.errors import RanvierError


def add_parser(sub) -> None:
    s = sub.add_parser(
        "sweep", help="run a target over a grid or samples of parameters, batched, on Dask if asked, resumable",
        description="e.g. ranvier sweep myelin-and-diameter --param fiber_diam_um=1:20:40 "
                    "--param myelin_fraction=0.2:1:5 --out sweep/ ('ranvier sweep list' shows the targets)")
    s.add_argument("target", help="a sweep target or experiment name, or 'list'")
    s.add_argument("--param", action="append", default=[], metavar="NAME=LO:HI:N",
                   help="a swept parameter: lo:hi:n (n values, ends included) or a,b,c; with --sample, lo:hi")
    s.add_argument("--sample", metavar="METHOD:N", help="instead of a grid: N samples, METHOD lhs, sobol or random")
    s.add_argument("--seed", type=int, default=0, help="seed of the samples (default 0)")
    s.add_argument("--out", type=Path, help="folder of the store (resumable), sweep.nc, sweep.png and report.html")
    s.add_argument("--scheduler", default="auto",
                   help="auto (default), in-process, local (a LocalCluster) or a Dask scheduler address tcp://HOST:8786")
    s.add_argument("--workers", type=int, help="workers of the local cluster (default: one per core)")
    s.add_argument("--chunk-size", type=int, help="points per task (default: about 4 tasks per worker, 8-256)")
    s.add_argument("--retry-failed", action="store_true", help="run again chunks recorded as failed")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    s.set_defaults(func=run)


def _points(args):
    from ranvier.sweep.points import grid, parse_axis, sample

    if not args.param:
        raise RanvierError("give at least one --param NAME=LO:HI:N")
    if args.sample:
        method, _, n = args.sample.partition(":")
        try:
            n = int(n)
        except ValueError:
            raise RanvierError(f"--sample must look like lhs:100, got {args.sample!r}") from None
        bounds = {}
        for spec in args.param:
            name, _, rhs = spec.partition("=")
            try:
                lo, hi = (float(x) for x in rhs.split(":")[:2])
            except ValueError:
                raise RanvierError(f"with --sample, --param gives a range NAME=LO:HI, got {spec!r}") from None
            bounds[name.strip()] = (lo, hi)
        return sample(n, method, seed=args.seed, **bounds)
    return grid(**dict(parse_axis(spec) for spec in args.param))


def _describe(ds) -> dict:
    import numpy as np

    from ranvier.sweep.figures import quantities

    out = {k: ds.attrs[k] for k in ("target", "n_points", "points_failed", "chunks_total", "chunks_computed",
                                    "chunks_reused", "chunks_failed", "scheduler", "elapsed_s") if k in ds.attrs}
    for q in quantities(ds):
        v = ds[q]
        ok = np.isfinite(v.values)
        lo, hi = v.where(ok).argmin(...), v.where(ok).argmax(...)
        where = lambda idx: {d: float(ds[d].values[i]) for d, i in ((d, int(i)) for d, i in idx.items()) if d in ds.coords}
        out[q] = {"finite_points": int(ok.sum()), "min": float(np.nanmin(v.values)), "at_min": where(lo),
                  "max": float(np.nanmax(v.values)), "at_max": where(hi)}
    return out


def run(args: argparse.Namespace) -> int:
    from ranvier.sweep.api import sweep
    from ranvier.sweep.targets import TARGETS

    if args.target == "list":
        from ranvier.experiments import catalogue

        for name, t in TARGETS.items():
            params = ", ".join(f"{p.name} [{p.lo:g}..{p.hi:g}]" for p in t.params)
            print(f"{name:24s} (batched) {t.description}; parameters: {params}")
        for name, ex in catalogue().items():
            print(f"{name:24s} (experiment, one point per task) {ex.question}")
        return 0
    pts = _points(args)
    if not args.json:
        print(f"ranvier: sweeping {args.target!r} over {pts.n} points ({', '.join(pts.names)})", file=sys.stderr)
    ds = sweep(args.target, pts, out=args.out, scheduler=args.scheduler, workers=args.workers,
               chunk_size=args.chunk_size, retry_failed=args.retry_failed, progress=None if not args.json else False)
    summary = _describe(ds)
    if args.out:
        from ranvier.report import write_report
        from ranvier.sweep.figures import quantities, sweep_figure

        qs = quantities(ds)
        figs = [(f"{q} over the sweep", sweep_figure(ds, q)) for q in qs]
        if figs:
            figs[0][1].savefig(args.out / "sweep.png", dpi=110)
            summary["figure"] = str(args.out / "sweep.png")
        summary["saved_to"] = str(args.out / "sweep.nc")
        summary["report"] = str(write_report(args.out / "report.html", f"ranvier sweep {ds.attrs['target']}",
                                             {k: v for k, v in summary.items() if k not in ("figure", "report")},
                                             figs, {"target": ds.attrs["target"]}))
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
        return 0
    print(f"{summary['n_points']} points, {summary['points_failed']} with an error; chunks: "
          f"{summary['chunks_computed']} computed, {summary['chunks_reused']} reused from the store, "
          f"{summary['chunks_failed']} failed; {summary['elapsed_s']:.1f} s ({summary['scheduler']})")
    for q, s in summary.items():
        if isinstance(s, dict) and "min" in s:
            print(f"  {q}: {s['min']:.4g} at {s['at_min']} .. {s['max']:.4g} at {s['at_max']} "
                  f"({s['finite_points']} points with a value)")
    if args.out:
        print(f"result: {summary['saved_to']} (NetCDF); figure: {summary.get('figure', 'none')}; "
              f"report: {summary['report']}")
    return 0
