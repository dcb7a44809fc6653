"""What a scene page computes: one registered experiment, run with the page's parameters.

The controls, their units and ranges come from the experiment's own declarations
(:class:`ranvier.experiments.base.Param`); the finding is the experiment's own text, written from
the numbers of this run. A run can be downloaded as NetCDF: the measured summary (numbers with
their units from the key names) and the data of every line in its figures.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ranvier import __version__


@dataclass
class SceneRun:
    """One run of an experiment from the lab."""

    name: str
    params: dict
    summary: dict
    finding: str
    figures: list  # (caption, matplotlib Figure)


def param_table(name: str) -> list[dict]:
    """The experiment's parameters as plain data (what the page and /api/experiments show)."""
    from ranvier.experiments import get

    return [{"name": p.name, "default": p.default, "unit": p.unit, "min": p.lo, "max": p.hi, "help": p.help,
             "integer": is_integer(p)} for p in get(name).params]


def is_integer(p) -> bool:
    """A count (nodes, pulses, steps): declared with whole-number default and bounds and no unit."""
    return not p.unit and isinstance(p.default, int) and not isinstance(p.default, bool)


def run_scene(name: str, params: dict) -> SceneRun:
    """Run experiment ``name``; bad names and values raise RanvierError naming them and the range."""
    from ranvier.experiments import get

    ex = get(name)
    outcome, finding = ex.run(**params)
    return SceneRun(name, dict(outcome.summary.get("parameters", {})), outcome.summary, finding,
                    list(outcome.figures))


def api_payload(run: SceneRun) -> dict:
    """Exactly what ``ranvier experiment NAME --json`` prints."""
    return {"experiment": run.name, "summary": run.summary, "finding": run.finding}


def _unit_of(key: str) -> str:
    from ranvier.report.units import split_unit

    return split_unit(key)[1] or ""


def _summary_vars(summary: dict, prefix: str = "") -> dict[str, xr.Variable]:
    """Numeric entries of the summary as variables (lists become 1-D), units from the key names."""
    out: dict[str, xr.Variable] = {}
    for k, v in summary.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_summary_vars(v, f"{key}__"))
            continue
        vals = v if isinstance(v, list) else [v] if not isinstance(v, str) else None
        if vals is None or not vals or not all(isinstance(x, (bool, int, float)) and x is not None for x in vals):
            continue
        arr = np.asarray(vals, dtype=float)
        attrs = {"units": _unit_of(k)}
        out[key] = xr.Variable((f"{key}_index",), arr, attrs) if isinstance(v, list) else xr.Variable((), arr[0], attrs)
    return out


def _figure_vars(figures: list) -> dict[str, xr.Variable]:
    """Every drawn line of every figure: its y data over its own x coordinate, with the axis labels."""
    out: dict[str, xr.Variable] = {}
    for f, (caption, fig) in enumerate(figures):
        for a, ax in enumerate(fig.axes):
            for k, line in enumerate(ax.get_lines()):
                x = np.asarray(line.get_xdata(), dtype=float)
                y = np.asarray(line.get_ydata(), dtype=float)
                if x.size < 2 or x.shape != y.shape:
                    continue
                base = f"figure{f}_axes{a}_line{k}"
                label = line.get_label()
                attrs = {"figure": caption, "x_label": ax.get_xlabel(), "y_label": ax.get_ylabel(),
                         "line_label": "" if label.startswith("_") else label}
                out[f"{base}_x"] = xr.Variable((f"{base}_point",), x, {**attrs, "role": "x"})
                out[f"{base}_y"] = xr.Variable((f"{base}_point",), y, {**attrs, "role": "y"})
    return out


def scene_dataset(run: SceneRun) -> xr.Dataset:
    """The run as an xarray Dataset for NetCDF (``ranvier.save`` writes it, ``ranvier.load`` reads it)."""
    data = {**_summary_vars({k: v for k, v in run.summary.items() if k != "parameters"}), **_figure_vars(run.figures)}
    attrs = {"ranvier_kind": "experiment", "experiment": run.name, "finding": run.finding,
             "ranvier_version": __version__, "summary_json": json.dumps(run.summary, default=_jsonable)}
    for k, v in run.params.items():
        attrs[f"param_{k}"] = float(v)
    return xr.Dataset(data, attrs=attrs)


def _jsonable(x):
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


def netcdf_bytes(ds: xr.Dataset) -> bytes:
    """The Dataset as NetCDF-4 bytes, written through ``ranvier.save`` (the same file a user would save)."""
    import tempfile
    from pathlib import Path

    from ranvier.result import save

    with tempfile.TemporaryDirectory(prefix="ranvier-lab-") as d:
        path = save(ds, Path(d) / "run.nc")
        return path.read_bytes()


def figure_bytes(fig, fmt: str) -> bytes:
    """A matplotlib figure as PNG or SVG."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=120 if fmt == "png" else None)
    return buf.getvalue()
