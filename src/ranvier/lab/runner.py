"""Runs the lab's simulations off the server's event loop, one at a time, newest first in mind.

* One worker thread: numba's default "workqueue" threading layer aborts the process when two
  threads launch parallel kernels at once, and on a small machine two runs side by side are no
  faster than one after the other anyway.
* A channel (one browser tab's page, say) holds at most one wanted answer: a newer submission
  on the same channel supersedes the older ones. A superseded job that has not started yet is
  skipped; one already running finishes (a compiled kernel cannot be interrupted) and its answer
  is still cached, but its future says :class:`Superseded` so the page does not draw it.
* Answers are cached by (what, parameters), so going back to an earlier setting is instant.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor


class Superseded(Exception):
    """A newer request on the same channel replaced this one."""


class Runner:
    """A single-worker executor with per-channel superseding and an LRU cache of answers."""

    def __init__(self, cache_size: int = 32):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ranvier-lab-sim")
        self._lock = threading.Lock()
        self._cache: OrderedDict[Hashable, object] = OrderedDict()
        self._cache_size = cache_size
        self._latest: dict[Hashable, int] = {}
        self._counter = 0
        self.timings: list[tuple[Hashable, float]] = []  # (key, seconds) of each computation actually run

    def cached(self, key: Hashable):
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        return None

    def submit(self, key: Hashable, fn: Callable[[], object], channel: Hashable | None = None) -> Future:
        """Compute ``fn()`` (or take the cached answer for ``key``) on the worker thread."""
        with self._lock:
            self._counter += 1
            token = self._counter
            if channel is not None:
                self._latest[channel] = token

        def job():
            if channel is not None and self._latest.get(channel) != token:
                raise Superseded()
            hit = self.cached(key)
            if hit is not None:
                return hit
            t0 = time.perf_counter()
            value = fn()
            with self._lock:
                self.timings.append((key, time.perf_counter() - t0))
                self._cache[key] = value
                self._cache.move_to_end(key)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            if channel is not None and self._latest.get(channel) != token:
                raise Superseded()
            return value

        return self._pool.submit(job)

    def forget(self, channel: Hashable) -> None:
        """A channel closed (its tab went away): drop its bookkeeping, so its queued work is skipped."""
        with self._lock:
            self._latest.pop(channel, None)

    def last_duration(self, what: str) -> float | None:
        """Seconds the latest computation for page ``what`` took (keys made by :func:`params_key`)."""
        with self._lock:
            for key, seconds in reversed(self.timings):
                if isinstance(key, tuple) and key and key[0] == what:
                    return seconds
        return None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_RUNNER: Runner | None = None
_RUNNER_LOCK = threading.Lock()


def runner() -> Runner:
    """The process's one runner (created on first use)."""
    global _RUNNER
    with _RUNNER_LOCK:
        if _RUNNER is None:
            _RUNNER = Runner()
        return _RUNNER


def params_key(what: str, params: dict) -> tuple:
    """A hashable cache key for a page and its (checked) parameters."""
    return (what, tuple(sorted((k, float(v)) for k, v in params.items())))
