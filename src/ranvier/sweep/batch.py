"""Batching: many one-point Simulations run as one Simulation (the batch is ranvier's first-class
dimension: every cell in one compiled loop, identical cells side by side in lanes), and the
batch's result cut back into one Dataset per point.

Simulations can be merged when their time settings agree (duration, step, method, initial
state, recording interval, rate tables, engine); :func:`run_batched` groups them by those
settings. Within a merged Simulation the engine sorts cells into classes of identical
structure itself (:func:`ranvier.numerics.lanes.plan_lanes`): points that share a model
structure (same tree and compartments, only sizes and densities differ) run in lanes of 8.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ranvier.errors import RanvierError
from ranvier.simulation import Simulation
from ranvier.synapse import Terminal

SETTINGS = ("tstop_ms", "dt_ms", "method", "v_init_mV", "record_dt_ms", "rate_tables", "engine")
_CELL_PREFIX = re.compile(r"^cell\d+/")


def settings_key(sim: Simulation) -> tuple:
    """What must agree for two Simulations to run as one."""
    return tuple(getattr(sim, k) for k in SETTINGS)


def _moved(obj, off: int):
    """``obj`` (stimulus, probe or synapse) with its sites moved ``off`` cells on."""
    site = obj.site
    out = dataclasses.replace(obj, site=dataclasses.replace(site, cell=site.cell + off))
    src = getattr(obj, "source", None)
    if isinstance(src, Terminal):
        out = dataclasses.replace(out, source=dataclasses.replace(src, site=dataclasses.replace(
            src.site, cell=src.site.cell + off)))
    return out


def merge(sims: Sequence[Simulation]) -> tuple[Simulation, np.ndarray]:
    """One Simulation holding the cells of all of ``sims`` (same settings), and the first cell of
    each (``offsets``, length ``len(sims) + 1``)."""
    if not sims:
        raise RanvierError("merge needs at least one Simulation")
    key = settings_key(sims[0])
    cells, stims, probes, syns = [], [], [], []
    offsets = [0]
    for k, s in enumerate(sims):
        if not isinstance(s, Simulation):
            raise RanvierError(f"point {k}: the target must return a Simulation, got {type(s).__name__}")
        if settings_key(s) != key:
            raise RanvierError(f"point {k}: its settings {dict(zip(SETTINGS, settings_key(s)))} differ from "
                               f"point 0's {dict(zip(SETTINGS, key))}; only equal settings run as one batch")
        off = offsets[-1]
        cells += s.cells
        stims += [_moved(x, off) for x in s.stimuli]
        probes += [_moved(x, off) for x in s.probes]
        syns += [_moved(x, off) for x in s.synapses]
        offsets.append(off + len(s.cells))
    first = sims[0]
    merged = Simulation(tuple(cells), tuple(stims), tuple(probes), tuple(syns),
                        **{k: getattr(first, k) for k in SETTINGS})
    return merged, np.asarray(offsets, np.int64)


def split(result: xr.Dataset, offsets: np.ndarray, k: int) -> xr.Dataset:
    """Point ``k``'s part of a merged run: its sites, with cells numbered from 0 and labels as a
    run of that point alone would give them.

    Built directly from the merged arrays (views where the point's sites are contiguous): an
    ``isel`` and ``assign_coords`` per point cost ~10 ms each on a loaded 2-core machine,
    as much as integrating a fibre (measured in bench/sweep_batching.py).
    """
    lo, hi = int(offsets[k]), int(offsets[k + 1])
    cell = result["cell"].values
    idx = np.flatnonzero((cell >= lo) & (cell < hi))
    sel = slice(int(idx[0]), int(idx[-1]) + 1) if idx.size and idx[-1] - idx[0] + 1 == idx.size else idx
    newcell = cell[sel] - lo
    labels = [(_CELL_PREFIX.sub("", str(lab)) if c == 0 else f"cell{c}/" + _CELL_PREFIX.sub("", str(lab)))
              for lab, c in zip(result["site"].values[sel], newcell)]
    coords = {"time": result["time"].variable, "site": ("site", labels), "cell": ("site", newcell)}
    for name, c in result.coords.items():
        if name not in coords and c.dims == ("site",):
            coords[name] = ("site", c.values[sel], c.attrs)
    data = {name: (var.dims, var.values[sel] if var.dims[0] == "site" else var.values[:, sel], var.attrs)
            for name, var in result.data_vars.items()}
    attrs = dict(result.attrs)
    attrs["n_cells"] = hi - lo
    attrs["batched_with"] = f"{len(offsets) - 1} points in one Simulation of {int(offsets[-1])} cells"
    return xr.Dataset(data, coords=coords, attrs=attrs)


def run_batched(sims: Sequence[Simulation], threads: int | None = None) -> list[xr.Dataset]:
    """Run ``sims`` (one per point) as few Simulations as their settings allow; one Dataset per point."""
    groups: dict[tuple, list[int]] = {}
    for k, s in enumerate(sims):
        if not isinstance(s, Simulation):
            raise RanvierError(f"point {k}: the target must return a Simulation, got {type(s).__name__}")
        groups.setdefault(settings_key(s), []).append(k)
    out: list[xr.Dataset | None] = [None] * len(sims)
    for idx in groups.values():
        merged, offsets = merge([sims[k] for k in idx])
        res = merged.run(progress=False, threads=threads)
        for j, k in enumerate(idx):
            out[k] = split(res, offsets, j)
    return out  # type: ignore[return-value]
