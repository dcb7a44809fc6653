"""What a sweep runs at each point.

A :class:`Target` builds a :class:`~ranvier.Simulation` from a point's parameters and measures
quantities (scalars, units in their names) from that point's result. Targets given by name
are the registered sweep targets (:mod:`ranvier.sweep.targets`) or, failing that, the named
experiments (:mod:`ranvier.experiments`), which run one point at a time (an experiment runs
its own simulations) and report the numbers of their summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ranvier.errors import RanvierError, check_name

SPIKE_THRESHOLD_MV = -20.0


@dataclass(frozen=True)
class Target:
    """A sweepable model.

    name : str
        Names the target in the store (chunks are found again by it).
    build : callable ``(**params) -> Simulation`` or None
        The point's simulation; points whose simulations share settings run as one batch.
    measure : callable ``(result, **params) -> {name: float}``
        Quantities from the point's own result (its sites only, cells numbered from 0).
    params : tuple of :class:`ranvier.experiments.Param`
        Defaults and allowed ranges (a swept value outside its range is an error before
        anything runs); empty: any parameter is passed through unchecked.
    run_point : callable ``(**params) -> {name: float}`` or None
        Instead of ``build``: the whole point at once (not batched).
    units : mapping of quantity name to unit, for the result's attributes.
    """

    name: str
    build: Callable | None = None
    measure: Callable | None = None
    params: tuple = ()
    run_point: Callable | None = None
    units: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    def check(self, names) -> None:
        if not self.params:
            return
        known = {p.name: p for p in self.params}
        for n in names:
            check_name(f"parameter of sweep target {self.name!r}", n, known)

    def full(self, point: Mapping[str, float]) -> dict[str, float]:
        """The point's parameters with the target's defaults for those not swept, each range-checked."""
        if not self.params:
            return dict(point)
        known = {p.name: p for p in self.params}
        out = {p.name: p.default for p in self.params}
        for k, v in point.items():
            check_name(f"parameter of sweep target {self.name!r}", k, known)
            out[k] = known[k].check(v)
        return out


def default_measure(result: xr.Dataset, **_params) -> dict[str, float]:
    """For each recording site k with a voltage: the peak (``v_peak_mV_k``), the number of
    upward crossings of -20 mV (``spikes_k``) and the time of the first (``first_spike_ms_k``,
    NaN without one)."""
    from ranvier.analysis.spikes import spike_times

    out: dict[str, float] = {}
    if "v" not in result:
        return out
    t = result["time"].values
    for k in range(result.sizes["site"]):
        v = result["v"].values[k]
        ts = spike_times(t, v, SPIKE_THRESHOLD_MV)
        out[f"v_peak_mV_{k}"] = float(np.nanmax(v))
        out[f"spikes_{k}"] = float(ts.size)
        out[f"first_spike_ms_{k}"] = float(ts[0]) if ts.size else float("nan")
    return out


def _experiment_target(name: str) -> Target:
    from ranvier.experiments import get
    from ranvier.report.html import flatten

    ex = get(name)

    def run_point(**params):
        outcome, _ = ex.run(**params)
        vals = {}
        for path, v in flatten({k: v for k, v in outcome.summary.items() if k != "parameters"}):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            vals[".".join(path)] = float(v)
        return vals

    return Target(name=f"experiment:{name}", run_point=run_point, params=ex.params, description=ex.question)


def resolve(target) -> Target:
    """A :class:`Target` from a Target, a registered name, an experiment name or a function
    ``(**params) -> Simulation`` (measured with :func:`default_measure`)."""
    if isinstance(target, Target):
        return target
    if isinstance(target, str):
        from ranvier.sweep.targets import TARGETS
        from ranvier.experiments import catalogue

        if target in TARGETS:
            return TARGETS[target]
        if target in catalogue():
            return _experiment_target(target)
        check_name("sweep target", target, {**TARGETS, **catalogue()})
    if callable(target):
        mod = getattr(target, "__module__", "?")
        qn = getattr(target, "__qualname__", type(target).__name__)
        return Target(name=f"{mod}.{qn}", build=target, measure=default_measure)
    raise RanvierError(f"a sweep target is a name, a Target or a function (**params) -> Simulation, got {target!r}")
