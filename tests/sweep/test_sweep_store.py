"""The chunk store: resume computes only what is missing; a chunk half-written by a killed
process is never read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import xarray as xr

import ranvier as rv
from ranvier.sweep.targets import CONDUCTION

GRID = {"fiber_diam_um": [3.0, 5.0, 7.0, 9.0, 11.0, 13.0], "n_nodes": [7.0]}
CHUNK = 2  # three chunks


def test_resume_after_a_kill_mid_write_never_reads_the_half_written_chunk(tmp_path, monkeypatch):
    out = tmp_path / "store"
    child = textwrap.dedent(f"""
        import os, signal, sys
        import xarray as xr
        import ranvier as rv
        orig = xr.Dataset.to_netcdf
        calls = []
        def dying(self, path, *a, **k):
            calls.append(path)
            if len(calls) == 2:  # the second chunk: write half of it, then die as if SIGKILLed
                orig(self, path, *a, **k)
                size = os.path.getsize(path)
                with open(path, "r+b") as f:
                    f.truncate(size // 2)
                os.kill(os.getpid(), signal.SIGKILL)
            return orig(self, path, *a, **k)
        xr.Dataset.to_netcdf = dying
        rv.sweep("myelin-and-diameter", {GRID!r}, out={str(out)!r}, scheduler="in-process", chunk_size={CHUNK})
    """)
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == -signal.SIGKILL, f"the child did not die as planned: {proc.returncode}\n{proc.stderr[-2000:]}"
    done = sorted(out.glob("chunk-*.nc"))
    parts = sorted(out.glob(".*.part"))
    assert len(done) == 1 and len(parts) == 1, f"after the kill: {[p.name for p in out.iterdir()]}"

    opened = []
    real_open = xr.open_dataset

    def spy(path, *a, **k):
        opened.append(Path(path).name)
        return real_open(path, *a, **k)

    monkeypatch.setattr(xr, "open_dataset", spy)
    ds = rv.sweep("myelin-and-diameter", GRID, out=out, scheduler="in-process", chunk_size=CHUNK)
    assert not any(name.endswith(".part") for name in opened), f"a temporary file was read: {opened}"
    assert ds.attrs["chunks_reused"] == 1 and ds.attrs["chunks_computed"] == 2, ds.attrs
    assert np.all(np.isfinite(ds.velocity_m_s.values)), ds.velocity_m_s.values
    # the resumed sweep equals one computed from scratch, point by point
    fresh = rv.sweep("myelin-and-diameter", GRID, scheduler="in-process", chunk_size=CHUNK)
    assert np.array_equal(ds.velocity_m_s.values, fresh.velocity_m_s.values)


def test_resume_in_process_counts_and_failed_points(tmp_path):
    out = tmp_path / "s"
    stops = []

    def stop_after_one(done, total):
        stops.append(done)
        if len(stops) == 1:
            raise KeyboardInterrupt

    try:
        rv.sweep("myelin-and-diameter", GRID, out=out, scheduler="in-process", chunk_size=CHUNK, on_chunk=stop_after_one)
    except KeyboardInterrupt:
        pass
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("chunk-*.nc")}
    assert len(before) == 1
    ds = rv.sweep("myelin-and-diameter", GRID, out=out, scheduler="in-process", chunk_size=CHUNK)
    assert (ds.attrs["chunks_reused"], ds.attrs["chunks_computed"]) == (1, 2), ds.attrs
    assert all(out.joinpath(n).stat().st_mtime_ns == t for n, t in before.items()), "a finished chunk was rewritten"
    again = rv.sweep("myelin-and-diameter", GRID, out=out, scheduler="in-process", chunk_size=CHUNK)
    assert (again.attrs["chunks_reused"], again.attrs["chunks_computed"]) == (3, 0), again.attrs
    saved = xr.open_dataset(out / "sweep.nc", engine="h5netcdf").load()
    assert np.array_equal(saved.velocity_m_s.values, again.velocity_m_s.values)


def test_failing_point_is_recorded_and_not_retried(tmp_path):
    def build(**p):
        if p["fiber_diam_um"] == 7.0:
            raise rv.RanvierError("fiber_diam_um 7.0 is refused by this test model")
        return CONDUCTION.build(**p)

    def broken(**p):  # a bug (not a model error) fails its whole chunk
        if p["fiber_diam_um"] == 11.0:
            raise ZeroDivisionError("a bug in the target")
        return build(**p)

    tg = rv.sweep.Target("test-failing", build=broken, measure=CONDUCTION.measure, params=CONDUCTION.params)
    out = tmp_path / "f"
    ds = rv.sweep(tg, GRID, out=out, scheduler="in-process", chunk_size=CHUNK)
    err = ds.error.sel(n_nodes=7.0)
    assert "refused by this test model" in str(err.sel(fiber_diam_um=7.0).item())
    assert np.isnan(float(ds.velocity_m_s.sel(fiber_diam_um=7.0, n_nodes=7.0)))
    assert "ZeroDivisionError" in str(err.sel(fiber_diam_um=11.0).item())
    assert "ZeroDivisionError" in str(err.sel(fiber_diam_um=13.0).item())  # same chunk
    ok = [3.0, 5.0, 9.0]
    assert all(err.sel(fiber_diam_um=d).item() == "" for d in ok)
    assert np.all(np.isfinite(ds.velocity_m_s.sel(fiber_diam_um=ok).values))
    assert ds.attrs["chunks_failed"] == 1 and len(list(out.glob("failed-*.json"))) == 1
    again = rv.sweep(tg, GRID, out=out, scheduler="in-process", chunk_size=CHUNK)
    assert again.attrs["chunks_computed"] == 0 and again.attrs["chunks_failed"] == 1, again.attrs
