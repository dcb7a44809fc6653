"""One chunk of a sweep: build its points' simulations, run them batched, measure each point.

This is what a Dask worker executes; it is a plain function of picklable arguments (the
target travels by name when it is a registered one). A model error at a point (a
:class:`~ranvier.RanvierError` or :class:`~ranvier.SimulationError`) is that point's
``error``; the chunk still completes. Any other exception is a bug and fails the chunk.
"""

from __future__ import annotations

import dataclasses
import math
import socket
import time

import numpy as np
import xarray as xr

from ranvier.errors import RanvierError, SimulationError
from ranvier.sweep.batch import merge, run_batched
from ranvier.sweep.target import resolve

MODEL_ERRORS = (RanvierError, SimulationError)


def _err(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"


def compute_chunk(target, rows: list[dict], threads: int | None = None) -> xr.Dataset:
    """The measured quantities of ``rows`` (dims ``point``; one ``error`` string per point, "" if none)."""
    t0 = time.perf_counter()
    tg = resolve(target)
    n = len(rows)
    qs: list[dict | None] = [None] * n
    errors = [""] * n
    full = []
    for i, r in enumerate(rows):
        try:
            full.append(tg.full(r))
        except MODEL_ERRORS as e:
            full.append(None)
            errors[i] = _err(e)
    if tg.run_point is not None:
        for i, p in enumerate(full):
            if p is None:
                continue
            try:
                qs[i] = tg.run_point(**p)
            except MODEL_ERRORS as e:
                errors[i] = _err(e)
    else:
        sims = {}
        for i, p in enumerate(full):
            if p is None:
                continue
            try:
                sims[i] = tg.build(**p)
            except MODEL_ERRORS as e:
                errors[i] = _err(e)
        idx = list(sims)
        try:
            results = run_batched([sims[i] for i in idx], threads)
        except MODEL_ERRORS:  # one point spoils the batch: run them one by one to find it
            results = []
            for i in idx:
                try:
                    results.append(sims[i].run(progress=False, threads=threads))
                except MODEL_ERRORS as e:
                    errors[i] = _err(e)
                    results.append(None)
        for i, res in zip(idx, results):
            if res is None:
                continue
            try:
                qs[i] = tg.measure(res, **full[i])
            except MODEL_ERRORS as e:
                errors[i] = _err(e)
    names: list[str] = []
    for q in qs:
        for k in q or {}:
            if k not in names:
                names.append(k)
    data = {k: ("point", np.array([float(q.get(k, math.nan)) if q else math.nan for q in qs]),
                {"units": tg.units[k]} if k in tg.units else {}) for k in names}
    data["error"] = ("point", np.array(errors, dtype=object), {"long_name": "model error at this point ('' if none)"})
    params = list(rows[0]) if rows else []
    coords = {p: ("point", np.array([r[p] for r in rows], float)) for p in params}
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({"target": tg.name, "host": socket.gethostname(),
                     "elapsed_s": round(time.perf_counter() - t0, 4)})
    return ds


def warm(target, rows: list[dict], threads: int | None = 1) -> float:
    """Compile (or load from numba's cache) the kernels ``rows``' batch will use, by running it
    for two recording intervals; returns the seconds it took."""
    t0 = time.perf_counter()
    if threads is not None:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    tg = resolve(target)
    if tg.build is None or not rows:
        return 0.0
    try:
        sims = [tg.build(**tg.full(r)) for r in rows]
        merged, _ = merge(sims)
        short = dataclasses.replace(merged, tstop_ms=2 * (merged.record_dt_ms or merged.dt_ms))
        short.run(progress=False, threads=threads)
    except MODEL_ERRORS:  # the sweep will report it at its point
        pass
    return time.perf_counter() - t0
