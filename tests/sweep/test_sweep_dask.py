"""Sweeps on a 2-worker Dask LocalCluster (worker processes): a worker SIGKILLed in the middle
of a chunk, an interrupted client, a failing point. Nothing finished is lost, nothing is
computed twice."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

import ranvier as rv
from ranvier.sweep.targets import CONDUCTION

distributed = pytest.importorskip("distributed")

GRID = {"fiber_diam_um": [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0], "n_nodes": [7.0]}
CHUNK = 2  # six chunks


@pytest.fixture(scope="module")
def client():
    from ranvier.sweep.dist import local_client

    c, cluster = local_client(2)
    yield c
    c.close()
    cluster.close()


def _idle(client, timeout=60.0):
    t0 = time.time()
    while any(client.processing().values()) and time.time() - t0 < timeout:
        time.sleep(0.1)


def test_workers_use_one_numba_thread(client):
    def threads():
        import numba

        return numba.config.NUMBA_NUM_THREADS, numba.get_num_threads()

    got = client.run(threads)
    assert len(got) == 2 and all(v == (1, 1) for v in got.values()), got


def test_killed_worker_chunk_is_rerun_and_every_point_arrives(client, tmp_path):
    marker = str(tmp_path / "killed-once")

    def build(**p):
        import signal

        if p["fiber_diam_um"] == 6.0 and not os.path.exists(marker):
            open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)  # the worker process dies mid-chunk (as under the OOM killer)
        return CONDUCTION.build(**p)

    tg = rv.sweep.Target("test-kill", build=build, measure=CONDUCTION.measure, params=CONDUCTION.params,
                         units=CONDUCTION.units)
    pids = set(client.run(os.getpid).values())
    ds = rv.sweep(tg, GRID, out=tmp_path / "k", client=client, chunk_size=CHUNK)
    assert os.path.exists(marker), "no worker was killed"
    assert ds.attrs["chunks_computed"] == 6 and ds.attrs["points_failed"] == 0, ds.attrs
    assert np.all(np.isfinite(ds.velocity_m_s.values)), ds.velocity_m_s.values
    assert len(list((tmp_path / "k").glob("chunk-*.nc"))) == 6
    after = set(client.run(os.getpid).values())
    assert pids - after, f"worker pids before {pids}, after {after}: none was replaced"
    # the same numbers as the in-process sweep (no point lost or duplicated)
    ref = rv.sweep("myelin-and-diameter", GRID, scheduler="in-process", chunk_size=CHUNK)
    assert np.array_equal(ds.velocity_m_s.values, ref.velocity_m_s.values)


def test_interrupted_client_resumes_only_missing_chunks(client, tmp_path):
    out = tmp_path / "r"
    seen = []

    def interrupt(done, total):
        seen.append(done)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rv.sweep("myelin-and-diameter", GRID, out=out, client=client, chunk_size=CHUNK, on_chunk=interrupt)
    _idle(client)
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("chunk-*.nc")}
    assert len(before) == 2, sorted(before)
    ds = rv.sweep("myelin-and-diameter", GRID, out=out, client=client, chunk_size=CHUNK)
    assert (ds.attrs["chunks_reused"], ds.attrs["chunks_computed"]) == (2, 4), ds.attrs
    assert all((out / n).stat().st_mtime_ns == t for n, t in before.items()), "a finished chunk was recomputed"
    assert np.all(np.isfinite(ds.velocity_m_s.values))


def test_failing_point_reported_with_its_error(client, tmp_path):
    def build(**p):
        if p["fiber_diam_um"] == 9.0:
            raise rv.RanvierError("this test model refuses 9 um")
        return CONDUCTION.build(**p)

    tg = rv.sweep.Target("test-fail-dask", build=build, measure=CONDUCTION.measure, params=CONDUCTION.params)
    ds = rv.sweep(tg, GRID, out=tmp_path / "f", client=client, chunk_size=CHUNK)
    err = ds.error.sel(n_nodes=7.0)
    assert "refuses 9 um" in str(err.sel(fiber_diam_um=9.0).item())
    others = [d for d in GRID["fiber_diam_um"] if d != 9.0]
    assert all(err.sel(fiber_diam_um=d).item() == "" for d in others)
    assert ds.attrs["points_failed"] == 1 and ds.attrs["chunks_failed"] == 0, ds.attrs
