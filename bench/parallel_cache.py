"""Stress: rounds of experiments started at the same moment in separate processes on one kernel cache.

Issue 10's bar: no SIGSEGV in 20 repeated parallel experiment runs. Each round starts every
experiment in EXPERIMENTS at once; the cache folder is emptied before the rounds listed in
--cold (so those rounds compile concurrently, the others load concurrently). Prints one line
per round and a closing count; exits 1 if any process crashed, failed or disagreed.

    python -m bench.parallel_cache --rounds 20 --cold 1,11
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

EXPERIMENTS = ["hypokalaemia", "refractory-periods", "summation"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--cold", default="1,11", help="rounds (1-based) that start from an empty cache")
    a = ap.parse_args()
    cold = {int(x) for x in a.cold.split(",") if x}
    cache = tempfile.mkdtemp(prefix="ranvier-stress-")
    env = dict(os.environ, RANVIER_CACHE_DIR=cache, PYTHONFAULTHANDLER="1")
    bad, first = 0, {}
    for r in range(1, a.rounds + 1):
        if r in cold:
            shutil.rmtree(cache, ignore_errors=True)
        t0 = time.monotonic()
        procs = [(n, subprocess.Popen([sys.executable, "-m", "ranvier.cli", "experiment", n, "--json"], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
                 for n in EXPERIMENTS]
        codes = []
        for n, p in procs:
            out, err = p.communicate()
            codes.append(p.returncode)
            if p.returncode != 0:
                bad += 1
                print(f"  {n}: exit {p.returncode}\n{err[-1500:]}", file=sys.stderr)
                continue
            summary = json.loads(out)["summary"]
            if first.setdefault(n, summary) != summary:
                bad += 1
                print(f"  {n}: numbers differ from round 1", file=sys.stderr)
        print(f"round {r:2d} ({'cold' if r in cold else 'warm'}): exit codes {codes}, {time.monotonic() - t0:.0f} s",
              flush=True)
    shutil.rmtree(cache, ignore_errors=True)
    runs = a.rounds * len(EXPERIMENTS)
    print(f"{runs} experiment runs in {a.rounds} parallel rounds: {bad} crashed, failed or disagreed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
