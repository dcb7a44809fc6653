"""Several ranvier processes at once on one empty kernel cache (issue 10's segmentation faults).

A user's second terminal, or a test suite compiling beside a CLI run, must never crash the
first. Each experiment below crashed with SIGSEGV in this situation before the cache was made
process-safe (ranvier.numerics.jit). They all start at once on an empty cache, so each
compiles, waits for another compiling, or loads what another just wrote; hypokalaemia runs
twice, and both copies must print the same numbers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

EXPERIMENTS = ["hypokalaemia", "refractory-periods", "summation"]
TIMEOUT_S = 1500  # generous: CI may be busy; a hang still fails the test


def _start(args: list[str], cache) -> subprocess.Popen:
    env = dict(os.environ, RANVIER_CACHE_DIR=str(cache), PYTHONFAULTHANDLER="1")
    return subprocess.Popen([sys.executable, "-m", "ranvier.cli", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_parallel_processes_on_one_empty_cache_all_finish_with_the_same_numbers(tmp_path):
    cache = tmp_path / "kernels"
    procs = []
    for name in [EXPERIMENTS[0], *EXPERIMENTS]:
        procs.append((name, _start(["experiment", name, "--json"], cache)))
    outputs: dict[str, list[str]] = {}
    failures = []
    for name, p in procs:
        try:
            out, err = p.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            failures.append(f"{name}: still running after {TIMEOUT_S} s (a hang)\n{err[-2000:]}")
            continue
        if p.returncode != 0:
            how = f"signal {signal.Signals(-p.returncode).name}" if p.returncode < 0 else f"exit {p.returncode}"
            failures.append(f"{name}: {how}\n{err[-3000:]}")
            continue
        outputs.setdefault(name, []).append(out)
    assert not failures, "\n\n".join(failures)
    a, b = (json.loads(o) for o in outputs[EXPERIMENTS[0]])
    assert a["summary"] == b["summary"], f"{EXPERIMENTS[0]}: two processes sharing one cache disagree"
    assert all(len(outputs[name]) >= 1 for name in EXPERIMENTS)
