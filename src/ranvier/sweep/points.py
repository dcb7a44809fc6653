"""Which parameter sets a sweep visits: grids (outer product), explicit lists, and random,
Latin-hypercube or Sobol samples (:mod:`scipy.stats.qmc`).

A set of points is a :class:`Points`: a table of ``n`` rows (points) by parameter name,
plus, for a grid, the axes it is the product of (so the result can be given the swept
parameters as dimensions).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ranvier.errors import RanvierError, check_int

SAMPLERS = ("random", "lhs", "sobol")


@dataclass(frozen=True)
class Points:
    """``values[name]`` is a float64 array of length ``n``; ``axes`` is set for a full grid."""

    names: tuple[str, ...]
    values: Mapping[str, np.ndarray]
    axes: tuple[tuple[str, np.ndarray], ...] | None = None

    @property
    def n(self) -> int:
        return int(next(iter(self.values.values())).shape[0]) if self.names else 0

    def point(self, i: int) -> dict[str, float]:
        return {k: float(self.values[k][i]) for k in self.names}

    def rows(self) -> list[dict[str, float]]:
        return [self.point(i) for i in range(self.n)]


def _axis(name: str, vals) -> np.ndarray:
    a = np.atleast_1d(np.asarray(vals, dtype=float))
    if a.ndim != 1 or a.size == 0:
        raise RanvierError(f"the values of parameter {name!r} must be a non-empty 1-D list of numbers, got {vals!r}")
    if not np.all(np.isfinite(a)):
        raise RanvierError(f"the values of parameter {name!r} must be finite, got {vals!r}")
    return a


def grid(**axes) -> Points:
    """Every combination of the given values (the outer product), e.g.
    ``grid(fiber_diam_um=np.linspace(1, 20, 40), myelin_fraction=[0.2, 0.6, 1])``."""
    if not axes:
        raise RanvierError("a grid needs at least one parameter, e.g. grid(fiber_diam_um=[2, 4, 8])")
    ax = tuple((k, _axis(k, v)) for k, v in axes.items())
    mesh = np.meshgrid(*[a for _, a in ax], indexing="ij")
    return Points(tuple(k for k, _ in ax), {k: m.ravel() for (k, _), m in zip(ax, mesh)}, ax)


def points(rows: Sequence[Mapping[str, float]] | Mapping[str, Sequence[float]]) -> Points:
    """An explicit list: a sequence of ``{name: value}`` dicts, or ``{name: [values]}`` of equal lengths."""
    if isinstance(rows, Mapping):
        cols = {k: _axis(k, v) for k, v in rows.items()}
    else:
        rows = list(rows)
        if not rows or not all(isinstance(r, Mapping) for r in rows):
            raise RanvierError("points must be a non-empty list of {parameter: value} dicts")
        names = list(rows[0])
        for i, r in enumerate(rows):
            if list(r) != names:
                raise RanvierError(f"point {i} has parameters {sorted(r)}, point 0 has {sorted(names)}; all must match")
        cols = {k: _axis(k, [r[k] for r in rows]) for k in names}
    lens = {k: v.size for k, v in cols.items()}
    if not cols or len(set(lens.values())) != 1:
        raise RanvierError(f"every parameter needs the same number of values, got {lens}")
    return Points(tuple(cols), cols)


def sample(n: int, method: str = "lhs", seed: int | None = 0, **bounds: tuple[float, float]) -> Points:
    """``n`` points in the box given by ``name=(lo, hi)``: "random" (uniform), "lhs" (Latin
    hypercube) or "sobol" (scrambled Sobol; ``n`` should be a power of 2), from
    :mod:`scipy.stats.qmc`, reproducible for a given ``seed``."""
    from scipy.stats import qmc

    n = check_int("n (number of samples)", n, 1, 10_000_000)
    if method not in SAMPLERS:
        raise RanvierError(f"method must be one of {', '.join(SAMPLERS)}, got {method!r}")
    if not bounds:
        raise RanvierError("sample needs at least one parameter range, e.g. fiber_diam_um=(1, 20)")
    lo, hi = [], []
    for k, b in bounds.items():
        try:
            a, z = (float(x) for x in b)
        except (TypeError, ValueError):
            raise RanvierError(f"the range of {k!r} must be a pair (lo, hi), got {b!r}") from None
        if not (math.isfinite(a) and math.isfinite(z) and a < z):
            raise RanvierError(f"the range of {k!r} must be finite with lo < hi, got {b!r}")
        lo.append(a)
        hi.append(z)
    d = len(bounds)
    if method == "random":
        u = np.random.default_rng(seed).random((n, d))
    elif method == "lhs":
        u = qmc.LatinHypercube(d=d, seed=seed).random(n)
    else:
        u = qmc.Sobol(d=d, scramble=True, seed=seed).random(n)
    x = qmc.scale(u, lo, hi)
    return Points(tuple(bounds), {k: x[:, j].copy() for j, k in enumerate(bounds)})


def parse_axis(spec: str) -> tuple[str, np.ndarray]:
    """``name=lo:hi:n`` (n values evenly spaced, ends included), ``name=a,b,c`` or ``name=v``."""
    if "=" not in spec:
        raise RanvierError(f"--param must look like name=lo:hi:n or name=a,b,c, got {spec!r}")
    name, rhs = (s.strip() for s in spec.split("=", 1))
    try:
        if ":" in rhs:
            parts = rhs.split(":")
            if len(parts) != 3:
                raise ValueError
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
            if n < 1:
                raise RanvierError(f"--param {name}: the number of values must be >= 1, got {n}")
            return name, np.linspace(lo, hi, n)
        return name, _axis(name, [float(x) for x in rhs.split(",")])
    except ValueError:
        raise RanvierError(f"--param {name}: expected lo:hi:n or a,b,c (numbers), got {rhs!r}") from None


def as_points(spec) -> Points:
    """Points from a :class:`Points`, a ``{name: values}`` grid mapping or a list of dicts."""
    if isinstance(spec, Points):
        return spec
    if isinstance(spec, Mapping):
        return grid(**spec)
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        return points(spec)
    raise RanvierError(
        f"the points of a sweep are grid(...), sample(...), points([...]) or a {{name: values}} grid, got {type(spec).__name__}"
    )
