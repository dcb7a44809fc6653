"""``python -m bench``: ranvier against NEURON and Arbor on P1-P4, one fresh process per run."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import problems as pb
from bench import references, report, scoring
from bench.runner import ChildFailed, run_child

DEFAULT_JSON = Path(__file__).resolve().parent / "results.json"


def _list(text: str, allowed, what: str) -> list[str]:
    items = [s.strip() for s in text.split(",") if s.strip()]
    for s in items:
        if s not in allowed:
            raise SystemExit(f"bench: unknown {what} {s!r}; choose from {', '.join(allowed)}")
    return items


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--problems", default="P1,P2,P3,P4", help="comma-separated subset of P1,P2,P3,P4")
    ap.add_argument("--peers", default="neuron,arbor", help="comma-separated subset of neuron,arbor ('' for none)")
    ap.add_argument("--repeat", type=int, default=3, help="warm runs per simulator (the best counts); default 3")
    ap.add_argument("--threads", type=int, choices=(1, 2), default=1, help="threads for every simulator; default 1")
    ap.add_argument("--json", default=str(DEFAULT_JSON), help=f"where to write the results (default {DEFAULT_JSON})")
    ap.add_argument("--markdown", default=None, help="also write the table as Markdown to this file")
    ap.add_argument("--quick", action="store_true", help="short tstop for a smoke run (P1 55, P2 100, P3 10, P4 20 ms)")
    ap.add_argument("--warm-budget-s", type=float, default=20.0,
                    help="stop repeating once a simulator's warm runs took this long in all (>= 1 warm run); "
                         "default 20")
    ap.add_argument("--fresh-jit-cache", action="store_true",
                    help="give ranvier an empty numba cache (NUMBA_CACHE_DIR), so cold time includes compiling")
    ap.add_argument("--timeout-s", type=float, default=900.0, help="per child process")
    a = ap.parse_args(argv)
    a.problem_list = _list(a.problems, pb.PROBLEMS, "problem")
    a.peer_list = _list(a.peers, ("neuron", "arbor"), "peer")
    if a.repeat < 1:
        raise SystemExit("bench: --repeat must be >= 1")
    return a


def machine() -> dict:
    model = "unknown"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except Exception:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = round(int(f.readline().split()[1]) / 1024**2, 1)
    except Exception:
        pass
    return {"cpu_model": model, "nproc": len(os.sched_getaffinity(0)), "memory_GiB": mem,
            "platform": platform.platform(), "python": sys.version.split()[0]}


def ranvier_source() -> dict:
    """Which ranvier is measured: git revision, uncommitted changes in src/, default rate tables."""
    root = Path(__file__).resolve().parent.parent
    out = {"ranvier_git": "unknown", "ranvier_src_uncommitted": None, "ranvier_rate_tables_default": False}
    try:
        out["ranvier_git"] = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                            capture_output=True, text=True, timeout=10).stdout.strip()
        changed = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "src"],
                                 capture_output=True, text=True, timeout=10).stdout.split("\n")
        out["ranvier_src_uncommitted"] = [c.strip() for c in changed if c.strip()]
    except Exception:
        pass
    # without importing ranvier here (the parent stays small): ask a throwaway process
    probe = ("import dataclasses, ranvier as rv; f = {x.name: x.default for x in dataclasses.fields(rv.Simulation)}; "
             "print(f.get('rate_tables', False) is True)")
    try:
        r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=root)
        out["ranvier_rate_tables_default"] = r.stdout.strip() == "True"
    except Exception:
        pass
    return out


def runs_for(problem: pb.Problem, peers: list[str], ranvier_tables: bool) -> list[tuple[str, str, dict]]:
    """(simulator, label, variant) in run order: ranvier first (its default settings), then each peer.

    Where ranvier has rate tables on by default, problems with a NEURON tables row also
    get a ranvier row with them off, so that both pairs (exact rates, tables) exist.
    """
    out = [("ranvier", "ranvier", {})]
    if ranvier_tables and problem.table_variant:
        out.append(("ranvier", "ranvier (tables off)", {"rate_tables": False}))
    if "neuron" in peers:
        out.append(("neuron", "neuron", {"usetable": 0}))
        if problem.table_variant:
            out.append(("neuron", "neuron (tables on)", {"usetable": 1}))
    if "arbor" in peers:
        out.append(("arbor", "arbor", {}))
    return out


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    started = time.time()
    info = machine()
    info["loadavg_start"] = os.getloadavg()
    info.update(ranvier_source())
    print(f"bench: {info['cpu_model']}, {info['nproc']} CPUs, threads={a.threads}, repeat={a.repeat}"
          f"{', quick' if a.quick else ''}; load average {info['loadavg_start'][0]:.2f}", flush=True)
    rows: list[dict] = []
    for key in a.problem_list:
        problem = pb.PROBLEMS[key]
        ref = references.load(problem)
        tstop = problem.tstop(a.quick)
        steps = problem.steps(a.quick)
        prob_rows = []
        for sim, label, variant in runs_for(problem, a.peer_list, info["ranvier_rate_tables_default"]):
            row = {"problem": key, "simulator": sim, "label": label, "variant": variant,
                   "compartments": problem.compartments, "n_cells": problem.n_cells, "steps": steps,
                   "tstop_ms": tstop, "dt_ms": problem.dt_ms}
            print(f"bench: {key} {label} ...", end=" ", flush=True)
            try:
                res, t, v = run_child(sim, key, variant=variant, threads=a.threads, repeat=a.repeat,
                                      warm_budget_s=a.warm_budget_s, quick=a.quick, timeout_s=a.timeout_s,
                                      fresh_jit_cache=a.fresh_jit_cache)
            except ChildFailed as exc:
                print("FAILED", flush=True)
                print(str(exc), file=sys.stderr)
                row["failed"] = str(exc)
                prob_rows.append(row)
                continue
            s = scoring.score(problem, ref, t, v, tstop, a.quick)
            row.update(res)
            row["label"] = label
            row["comp_steps_per_s"] = problem.compartments * steps / res["warm_s"]
            row["errors"] = s
            row["error_summary"] = scoring.summary(problem, s)
            print(f"warm {res['warm_s']:.3f} s (best of {len(res['warm_runs_s'])}), cold {res['cold_s']:.2f} s, "
                  f"RSS {res['max_rss_MiB']:.0f} MiB; {row['error_summary']}", flush=True)
            prob_rows.append(row)
        _compare(problem, prob_rows)
        rows.extend(prob_rows)
    info["loadavg_end"] = os.getloadavg()
    title = (f"ranvier vs peers ({info['cpu_model']}, {info['nproc']} CPUs, threads={a.threads}, "
             f"best of {a.repeat} warm runs{', QUICK' if a.quick else ''})")
    report.print_table(rows, title)
    doc = {
        "what": "ranvier benchmark (bench/README.md explains every field)",
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "wall_s": time.time() - started,
        "machine": info,
        "settings": {"problems": a.problem_list, "peers": a.peer_list, "repeat": a.repeat, "threads": a.threads,
                     "quick": a.quick, "warm_budget_s": a.warm_budget_s, "fresh_jit_cache": a.fresh_jit_cache},
        "problems": {k: {"title": pb.PROBLEMS[k].title, "compartments": pb.PROBLEMS[k].compartments,
                         "reference": references.load(pb.PROBLEMS[k], compute=False).provenance}
                     for k in a.problem_list},
        "ratio_definition": "ratio_warm = ranvier warm sim time / peer warm sim time (same run, same machine); "
                            "ratio_cold likewise for cold time; < 1 means ranvier is faster, the goal is < 0.5",
        "rows": rows,
    }
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps(_clean(doc), indent=1, default=_jsonable, allow_nan=False) + "\n")
    if a.markdown:
        Path(a.markdown).write_text(report.markdown(rows))
    print(f"bench: wrote {a.json}; {time.time() - started:.0f} s in all; load average "
          f"{info['loadavg_end'][0]:.2f} at the end (other processes distort timings)")
    return 0 if not any(r.get("failed") for r in rows) else 1


def _compare(problem: pb.Problem, rows: list[dict]) -> None:
    """Ratios against ranvier (measured in this same run) and, for the batch, spike-count agreement."""
    base = next((r for r in rows if r["simulator"] == "ranvier" and not r.get("failed")), None)
    for r in rows:
        if r.get("failed") or base is None or r["simulator"] == "ranvier":
            continue
        r["ratio_warm"] = base["warm_s"] / r["warm_s"]
        r["ratio_cold"] = base["cold_s"] / r["cold_s"]
        r["ratio_rss"] = base["max_rss_MiB"] / r["max_rss_MiB"]
    if problem.key == "P3" and base is not None:
        counts = base["errors"]["spike_counts"]
        for r in rows:
            if r.get("failed"):
                continue
            other = r["errors"]["spike_counts"]
            differ = [k for k, (x, y) in enumerate(zip(counts, other)) if x != y]
            r["errors"]["cables_with_count_differing_from_ranvier"] = len(differ)
            r["errors"]["first_differing_cables"] = differ[:20]
            if r is not base:
                r["error_summary"] += f", ≠ranvier on {len(differ)} cables"


def _clean(x):
    """NaN -> null (strict JSON), recursively."""
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x


def _jsonable(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    try:
        import numpy as np

        if isinstance(x, np.generic):
            return x.item()
        if isinstance(x, np.ndarray):
            return x.tolist()
    except Exception:
        pass
    if isinstance(x, tuple):
        return list(x)
    raise TypeError(type(x))
