"""Independent cells (or lane blocks) of a batch on several cores, from Python threads.

The time-loop kernels release the GIL (``nogil=True``), so a plain thread pool runs them in
parallel. This replaces numba's ``parallel=True``/``prange`` entry points, which cost
minutes of compilation per kernel on first use, crash when a cached compiled caller is
loaded without numba's thread pool (numba issue #8578), and abort when two Python threads
launch parallel work at once under numba's default "workqueue" threading layer.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ranvier.numerics.status import OK

MAX_THREADS = 256  # the most threads a run may ask for
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def default_threads() -> int:
    """NUMBA_NUM_THREADS if set (bench and sweep workers pin it to 1), else the usable cores."""
    env = os.environ.get("NUMBA_NUM_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _executor(n: int) -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None or _pool._max_workers < n:
            _pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="ranvier")
        return _pool


def run_split(kernel, args: tuple, items: np.ndarray, threads: int | None) -> tuple[int, int]:
    """``kernel(*args, part)`` for contiguous parts of ``items`` on ``threads`` threads (None:
    :func:`default_threads`); (status, step) of the first part, in order, that failed."""
    n = min(threads or default_threads(), items.shape[0])
    if n <= 1:
        return kernel(*args, items)
    parts = np.array_split(items, n)
    futures = [_executor(n).submit(kernel, *args, p) for p in parts]
    results = [f.result() for f in futures]
    for code, at in results:
        if code != OK:
            return code, at
    return results[0]
