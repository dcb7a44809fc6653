"""The lab's simulation runner: off the event loop, one at a time, newer requests supersede older ones."""

from __future__ import annotations

import threading
import time

import pytest

from ranvier.lab.runner import Runner, Superseded, params_key


def test_a_newer_request_on_the_same_channel_supersedes_queued_and_running_ones():
    r = Runner()
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def slow():
        ran.append("a")
        started.set()
        release.wait(5)
        return "a"

    fa = r.submit("a", slow, channel="tab1")
    assert started.wait(5)
    fb = r.submit("b", lambda: ran.append("b") or "b", channel="tab1")  # queued behind a; superseded by c
    fc = r.submit("c", lambda: ran.append("c") or "c", channel="tab1")
    release.set()
    with pytest.raises(Superseded):
        fa.result(5)  # it ran (a compiled kernel cannot be interrupted) but its answer is not drawn
    with pytest.raises(Superseded):
        fb.result(5)
    assert fc.result(5) == "c"
    assert ran == ["a", "c"], f"the superseded queued job must be skipped, not run: ran {ran}"
    assert r.cached("a") == "a", "a finished run is still cached for when the user comes back to it"


def test_channels_are_independent_and_runs_never_overlap():
    r = Runner()
    active = []
    overlap = []
    lock = threading.Lock()

    def job(tag):
        def fn():
            with lock:
                active.append(tag)
                overlap.append(len(active))
            time.sleep(0.02)
            with lock:
                active.remove(tag)
            return tag
        return fn

    futs = [r.submit(("k", i), job(i), channel=f"tab{i}") for i in range(6)]
    assert [f.result(5) for f in futs] == list(range(6)), "one tab's request must not supersede another's"
    assert max(overlap) == 1, "numba's workqueue layer aborts if two threads run parallel kernels at once"


def test_answers_are_cached_by_key():
    r = Runner()
    calls = []
    key = params_key("seed", {"k_out_mM": 5.0})
    assert r.submit(key, lambda: calls.append(1) or 42).result(5) == 42
    assert r.submit(params_key("seed", {"k_out_mM": 5}), lambda: calls.append(1) or 43).result(5) == 42
    assert calls == [1]


def test_errors_reach_the_caller():
    r = Runner()
    from ranvier.errors import RanvierError

    def bad():
        raise RanvierError("x must be in [0, 1], got 2")

    with pytest.raises(RanvierError, match="x must be in"):
        r.submit("bad", bad, channel="t").result(5)
