"""How long a new user waits: `ranvier run` from an empty kernel cache, then from a warm one.

For each run: seconds to the first line on standard error (the bar: under 1 s), to the end,
and the CPU seconds used (children included). Prints a table and the machine's load.

    python -m bench.first_run --repeat 2
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time


def _one(cache: str, args: list[str]) -> tuple[float, float, float]:
    env = dict(os.environ, RANVIER_CACHE_DIR=cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen([sys.executable, "-m", "ranvier.cli", "run", *args], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    p.stderr.read(1)
    first = time.monotonic() - t0
    p.stderr.read()
    p.wait()
    total = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        raise SystemExit(f"ranvier run exited {p.returncode}")
    return first, total, cpu


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("args", nargs="*", help="extra arguments for ranvier run")
    a = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(f"{'cache':6s} {'first line s':>12s} {'total s':>8s} {'CPU s':>6s}")
    for _ in range(a.repeat):
        cache = tempfile.mkdtemp(prefix="ranvier-first-run-")
        try:
            for kind in ("cold", "warm"):
                first, total, cpu = _one(cache, a.args)
                print(f"{kind:6s} {first:12.2f} {total:8.1f} {cpu:6.1f}", flush=True)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
