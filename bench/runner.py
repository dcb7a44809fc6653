"""Start one child process per (problem, simulator) and collect its timings, memory and traces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


class ChildFailed(RuntimeError):
    pass


def child_env(sim: str, threads: int, fresh_jit_cache: str | None) -> dict[str, str]:
    """The child's environment: every thread pool pinned to ``threads``."""
    env = dict(os.environ)
    for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("NEURON_MODULE_OPTIONS", None)
    if sim == "ranvier" and fresh_jit_cache:
        env["NUMBA_CACHE_DIR"] = fresh_jit_cache
    return env


def run_child(sim: str, problem: str, *, variant: dict | None = None, threads: int = 1, repeat: int = 3,
              warm_budget_s: float = 30.0, quick: bool = False, timeout_s: float = 900.0,
              fresh_jit_cache: bool = False) -> tuple[dict, np.ndarray, np.ndarray]:
    """Run one child; return (result dict, t, v[trace, time]).

    ``result["max_rss_MiB"]`` is the child's peak resident memory (its VmHWM, read by the
    child itself at the end); ``result["cold_s"]`` runs from just before the process was
    started to the end of its first simulation.
    """
    with tempfile.TemporaryDirectory(prefix="ranvier-bench-") as tmp:
        cmd = [sys.executable, "-m", "bench.child", "--sim", sim, "--problem", problem,
               "--variant", json.dumps(variant or {}), "--threads", str(threads), "--repeat", str(repeat),
               "--warm-budget-s", str(warm_budget_s), "--out", tmp]
        if quick:
            cmd.append("--quick")
        jit_dir = os.path.join(tmp, "numba-cache") if fresh_jit_cache else None
        env = child_env(sim, threads, jit_dir)
        log_path = os.path.join(tmp, "child.log")
        with open(log_path, "wb") as log:
            env["BENCH_T_LAUNCH"] = repr(time.clock_gettime(time.CLOCK_MONOTONIC))
            proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + timeout_s
            while True:  # wait4: this child's rusage alone (RUSAGE_CHILDREN would be the max over all children)
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    proc.returncode = -9
                    raise ChildFailed(f"{sim} on {problem} ran past {timeout_s:g} s and was stopped")
                time.sleep(0.02)
            proc.returncode = os.waitstatus_to_exitcode(status)
        log_text = Path(log_path).read_text(errors="replace")
        if proc.returncode != 0 or not os.path.exists(os.path.join(tmp, "result.json")):
            raise ChildFailed(f"{sim} on {problem} failed (exit {proc.returncode}):\n{log_text[-3000:]}")
        with open(os.path.join(tmp, "result.json")) as f:
            result = json.load(f)
        with np.load(os.path.join(tmp, "traces.npz")) as z:
            t, v = z["t"].astype(float), z["v"].astype(float)
    # The child measures its own peak (VmHWM). wait4's ru_maxrss is kept for reference only: on Linux it
    # includes the pre-exec copy of this parent process, so it is inflated by whatever the parent holds.
    result["ru_maxrss_wait4_MiB"] = usage.ru_maxrss / 1024.0  # Linux: kilobytes
    result["fresh_jit_cache"] = bool(fresh_jit_cache) if sim == "ranvier" else None
    return result, t, v
