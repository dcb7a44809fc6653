"""Figures of a sweep's result: line families and heatmaps of a measured quantity."""

from __future__ import annotations

import numpy as np
import xarray as xr


def _label(ds: xr.Dataset, name: str) -> str:
    unit = ds[name].attrs.get("units", "")
    return f"{name} ({unit})" if unit and " " not in unit else name


def quantities(ds: xr.Dataset) -> list[str]:
    """The measured quantities that have at least one finite value."""
    return [k for k in ds.data_vars if k != "error" and ds[k].dtype.kind == "f" and np.isfinite(ds[k].values).any()]


def sweep_figure(ds: xr.Dataset, quantity: str | None = None):
    """A matplotlib Figure of ``quantity`` (default: the first measured one) over the sweep.

    One swept dimension: a line. Two: a heatmap and a family of lines (one per value of the
    second parameter). More, or scattered samples: the quantity against each parameter.
    Points that failed or did not produce the quantity are left blank.
    """
    from matplotlib.figure import Figure

    q = quantity or (quantities(ds) or [None])[0]
    if q is None:
        raise ValueError("the sweep has no measured quantity with a finite value to draw")
    da = ds[q]
    dims = [d for d in da.dims if da.sizes[d] > 1]
    da = da.squeeze(drop=False)
    if "point" not in da.dims and len(dims) == 2:
        fig = Figure(figsize=(10.0, 4.0))
        ax1, ax2 = fig.subplots(1, 2)
        a, b = dims
        x, y = ds[a].values, ds[b].values
        m = ax1.pcolormesh(x, y, da.transpose(b, a).values, shading="nearest")
        fig.colorbar(m, ax=ax1, label=_label(ds, q))
        ax1.set_xlabel(_label(ds, a))
        ax1.set_ylabel(_label(ds, b))
        for v in y:
            ax2.plot(x, da.sel({b: v}).values, "o-", ms=3, label=f"{b} = {v:g}")
        ax2.set_xlabel(_label(ds, a))
        ax2.set_ylabel(_label(ds, q))
        ax2.legend(fontsize=7)
        fig.tight_layout()
        return fig
    if "point" not in da.dims and len(dims) == 1:
        fig = Figure(figsize=(6.0, 4.0))
        ax = fig.subplots()
        ax.plot(ds[dims[0]].values, da.values.ravel(), "o-", ms=3)
        ax.set_xlabel(_label(ds, dims[0]))
        ax.set_ylabel(_label(ds, q))
        fig.tight_layout()
        return fig
    flat = da.stack(_p=da.dims) if "point" not in da.dims else da
    params = [c for c in flat.coords if c not in ("_p", "point") and flat[c].ndim == 1 and flat[c].dtype.kind == "f"]
    fig = Figure(figsize=(4.0 * max(1, len(params)), 3.6))
    axes = np.atleast_1d(fig.subplots(1, max(1, len(params))))
    for ax, p in zip(axes, params):
        ax.plot(flat[p].values, flat.values, ".", ms=4)
        ax.set_xlabel(_label(ds, p) if p in ds else p)
        ax.set_ylabel(_label(ds, q))
    fig.tight_layout()
    return fig
