"""``rv.sweep``: many parameter sets, batched, spread over Dask, resumable."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr

from ranvier.errors import RanvierError, check_int
from ranvier.sweep.chunk import compute_chunk, warm
from ranvier.sweep.points import Points, as_points
from ranvier.sweep.store import Store, chunk_hash
from ranvier.sweep.target import resolve

SCHEDULERS = ("auto", "in-process", "local")
MIN_CHUNK = 8  # one block of lanes (ranvier.numerics.lanes.LANES)
MAX_CHUNK = 256
CHUNKS_PER_WORKER = 4  # enough tasks to balance the load, few enough that each takes seconds


def default_chunk_size(n_points: int, n_workers: int) -> int:
    """About CHUNKS_PER_WORKER chunks per worker, each at least one lane block (8 points: a
    chunk's points run as one batch, and a batch of fewer than 8 identical cells gets no
    lanes) and at most MAX_CHUNK (a chunk lost to a killed worker is recomputed whole)."""
    return int(min(MAX_CHUNK, max(MIN_CHUNK, math.ceil(n_points / (CHUNKS_PER_WORKER * max(1, n_workers))))))


def sweep(
    target,
    points,
    *,
    out: str | os.PathLike | None = None,
    client=None,
    scheduler: str | None = "auto",
    workers: int | None = None,
    chunk_size: int | None = None,
    retry_failed: bool = False,
    progress: bool | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> xr.Dataset:
    """Run ``target`` at every point and gather the measured quantities in one Dataset.

    Parameters
    ----------
    target : str, Target or callable
        A registered sweep target (``"myelin-and-diameter"``), a named experiment (run one
        point at a time), a :class:`~ranvier.sweep.Target`, or a function
        ``(**params) -> Simulation`` (measured with :func:`~ranvier.sweep.target.default_measure`).
    points : Points or mapping
        ``grid(...)``, ``sample(...)``, ``points([...])``, or ``{name: values}`` (a grid).
    out : folder or None
        Store: one NetCDF file per finished chunk, named by the hash of its points, written
        atomically; a re-run with the same target, points and chunk size reads the finished
        chunks and computes only the missing ones. The assembled result goes to
        ``out/sweep.nc``. None: nothing is written (and nothing can be resumed).
    client : dask.distributed.Client or None
        Run the chunks on this cluster.
    scheduler : "auto", "in-process", "local" or a scheduler address
        Without a ``client``: "in-process" runs the chunks here, one after another (each
        batch on all of numba's threads); "local" starts a LocalCluster of ``workers``
        processes (default: one per core) with one numba thread each; an address such as
        ``tcp://10.0.0.5:8786`` connects to a running scheduler; "auto" runs in-process when
        there are no more chunks than cores (a cluster's start-up would not pay), else
        starts a local cluster if dask.distributed is installed. Worker processes are
        started by spawning, which re-imports the calling script: in a script, call a
        sweep that may start a cluster under ``if __name__ == "__main__":``.
    chunk_size : int or None
        Points per task; default :func:`default_chunk_size`.
    retry_failed : bool
        Run again the chunks recorded as failed (``failed-<hash>.json``) by an earlier run.
    progress : bool or None
        A progress bar over points with an ETA on stderr (None: when stderr is a terminal).
    on_chunk : callable (points done, points in all) or None
        Called after each chunk is stored (an exception raised there stops the sweep; what is
        stored stays).

    Returns
    -------
    xarray.Dataset
        One variable per measured quantity and ``error`` (the model error of a point, "" if
        none). A grid's parameters are dimensions; other point sets have a ``point``
        dimension with the parameters as coordinates. ``attrs`` count the chunks computed,
        reused and failed in this run.
    """
    t_start = time.perf_counter()
    pts: Points = as_points(points)
    tg = resolve(target)
    tg.check(pts.names)
    rows = pts.rows()
    for r in rows:  # every value checked against its range before anything runs
        tg.full(r)
    ref = target if isinstance(target, str) else tg  # registered targets travel by name
    sched = "auto" if scheduler is None else scheduler
    if client is None and sched not in SCHEDULERS and "://" not in str(sched):
        raise RanvierError(f"scheduler must be one of {', '.join(SCHEDULERS)} or an address like "
                           f"tcp://host:8786, got {scheduler!r}")
    n_cores = os.cpu_count() or 1
    n_workers = workers or (len(client.scheduler_info()["workers"]) if client is not None else n_cores)
    cs = default_chunk_size(len(rows), n_workers) if chunk_size is None else check_int("chunk_size", chunk_size, 1)
    chunks = [(chunk_hash(tg.name, rows[i:i + cs]), i, rows[i:i + cs]) for i in range(0, len(rows), cs)]
    store = Store(out) if out is not None else None
    results: dict[str, xr.Dataset] = {}
    failed: dict[str, str] = {}
    todo = []
    reused = 0
    if store is not None:
        store.clean_parts()
        store.write_manifest({"target": tg.name, "parameters": list(pts.names), "n_points": len(rows),
                              "chunk_size": cs, "chunks": [h for h, _, _ in chunks],
                              "grid": None if pts.axes is None else {k: v for k, v in pts.axes}})
    for h, i0, rs in chunks:
        ds = store.read(h) if store is not None else None
        if ds is not None:
            results[h] = ds
            reused += 1
        elif store is not None and store.has_failed(h) and not retry_failed:
            failed[h] = store.read_failed(h) or "failed in an earlier run"
        else:
            todo.append((h, i0, rs))
    n_done = sum(len(rs) for h, _, rs in chunks if h in results or h in failed)
    bar = _Bar(len(rows), n_done, progress)
    own_cluster = None
    mode = "in-process"
    if todo and tg.build is not None:
        # the first point's model lowered here, before any cluster starts: a mistake that
        # every point shares shows at once (a model error at this point is left to its chunk,
        # where it is recorded without stopping the sweep)
        from ranvier.sweep.chunk import MODEL_ERRORS

        try:
            tg.build(**tg.full(todo[0][2][0])).prepare()
        except MODEL_ERRORS:
            pass
    try:
        if todo:
            if client is None and sched != "in-process" and (sched != "auto" or len(chunks) > n_cores):
                from ranvier.sweep.dist import local_client, remote_client

                if "://" in str(sched):
                    client = remote_client(sched)
                    own_cluster = (client, None)
                else:
                    try:
                        client, cluster = local_client(workers)
                        own_cluster = (client, cluster)
                    except RanvierError:
                        if sched == "local":
                            raise
                        client = None  # auto without dask.distributed: run here
            mode = "in-process" if client is None else f"dask ({client.scheduler.address})"

            def stored(h, ds, rs):
                nonlocal n_done
                if store is not None:
                    store.write(h, ds)
                results[h] = ds
                n_done += len(rs)
                bar.update(n_done)
                if on_chunk is not None:
                    on_chunk(n_done, len(rows))

            def lost(h, rs, e):
                nonlocal n_done
                msg = f"{type(e).__name__}: {e}"
                failed[h] = msg
                if store is not None:
                    store.write_failed(h, rs, msg)
                n_done += len(rs)
                bar.update(n_done)
                if on_chunk is not None:
                    on_chunk(n_done, len(rows))

            if client is None:
                for h, _, rs in todo:
                    try:
                        ds = compute_chunk(ref, rs)
                    except Exception as e:  # a bug, not a model error: recorded, the sweep goes on
                        lost(h, rs, e)
                        continue
                    stored(h, ds, rs)
            else:
                _on_dask(client, ref, todo, stored, lost)
    finally:
        bar.close()
        if own_cluster is not None:
            own_cluster[0].close()
            if own_cluster[1] is not None:
                own_cluster[1].close()
    ds = _assemble(pts, chunks, results, failed, tg)
    ds.attrs.update({
        "target": tg.name, "scheduler": mode, "n_points": len(rows), "chunk_size": cs,
        "chunks_total": len(chunks), "chunks_computed": len(todo) - sum(h in failed for h, _, _ in todo),
        "chunks_reused": reused, "chunks_failed": len(failed),
        "points_failed": int(np.sum(ds["error"].values != "")),
        "elapsed_s": round(time.perf_counter() - t_start, 3),
    })
    from ranvier import __version__

    ds.attrs["ranvier_version"] = __version__
    if store is not None:
        store.write_result(ds)
    return ds


def _on_dask(client, ref, todo, stored, lost) -> None:
    from distributed import as_completed

    client.run(warm, ref, todo[0][2][:MIN_CHUNK])
    by_key = {}
    futures = []
    for h, _, rs in todo:
        f = client.submit(compute_chunk, ref, rs, 1, key=f"ranvier-chunk-{h}", pure=False)
        by_key[f.key] = (h, rs)
        futures.append(f)
    try:
        for f in as_completed(futures):
            h, rs = by_key[f.key]
            try:
                ds = f.result()
            except Exception as e:  # the task raised, or killed its workers too often (KilledWorker)
                lost(h, rs, e)
                continue
            stored(h, ds, rs)
    except BaseException:
        client.cancel(futures)
        raise


def _assemble(pts: Points, chunks, results, failed, tg) -> xr.Dataset:
    names: list[str] = []
    for h, _, _ in chunks:
        if h in results:
            for k in results[h].data_vars:
                if k != "error" and k not in names:
                    names.append(k)
    parts = []
    for h, i0, rs in chunks:
        ds = results.get(h)
        n = len(rs)
        if ds is None:
            ds = xr.Dataset({"error": ("point", np.array([f"chunk failed: {failed.get(h, 'not computed')}"] * n,
                                                          dtype=object))})
        ds = ds.drop_vars([c for c in ds.coords])
        for k in names:
            if k not in ds:
                ds[k] = ("point", np.full(n, np.nan))
        ds = ds.assign_coords(point=np.arange(i0, i0 + n))
        parts.append(ds[names + ["error"]])
    out = xr.concat(parts, dim="point", combine_attrs="drop") if parts else xr.Dataset()
    for k in names:
        unit = tg.units.get(k)
        if unit:
            out[k].attrs["units"] = unit
    out = out.assign_coords({p: ("point", pts.values[p]) for p in pts.names})
    if pts.axes is not None:
        out = out.drop_vars("point").set_index(point=list(pts.names)).unstack("point")
        out = out.transpose(*pts.names)
    units = {p.name: p.unit for p in tg.params}
    for p in pts.names:
        if units.get(p):
            out[p].attrs["units"] = units[p]
    return out


class _Bar:
    """A rich progress bar over points with an ETA (only when asked, or on a terminal)."""

    def __init__(self, total: int, done: int, show: bool | None):
        import sys

        self.bar = None
        if show is None:
            show = sys.stderr.isatty()
        if show and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TextColumn("points"),
                                TextColumn("ETA"), TimeRemainingColumn(), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("sweep", total=total, completed=done)

    def update(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
