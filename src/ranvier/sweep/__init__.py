"""Parameter sweeps: many parameter sets, batched into few Simulations, spread over a Dask
cluster, stored chunk by chunk so that nothing finished is lost.

``rv.sweep(target, points, out=...)`` (:func:`ranvier.sweep.api.sweep`); points from
:func:`grid`, :func:`sample` (random, Latin hypercube, Sobol) or :func:`points`. Dask is
imported only when a cluster is used, and the rest on first use of a name, so that the
command line (which registers ``ranvier sweep`` from :mod:`ranvier.sweep.cli`) starts light.
"""

import importlib
import sys
import types

# Bound now, not on first use: the function ``points`` shares its name with the submodule
# ranvier.sweep.points, which importing it would otherwise leave in its place (numpy only).
from ranvier.sweep.points import Points, grid, parse_axis, points, sample

_EXPORTS = {
    "default_chunk_size": "ranvier.sweep.api", "sweep": "ranvier.sweep.api",
    "Target": "ranvier.sweep.target", "default_measure": "ranvier.sweep.target", "resolve": "ranvier.sweep.target",
}
__all__ = sorted([*_EXPORTS, "Points", "grid", "parse_axis", "points", "sample"])


class _CallableModule(types.ModuleType):
    """``ranvier.sweep`` is this package and also callable: ``rv.sweep(target, points)`` is
    :func:`ranvier.sweep.api.sweep` (Python sets the package as ``ranvier.sweep`` once it is
    imported, so a plain function of that name would be shadowed)."""

    def __call__(self, target, points, **kw):
        from ranvier.sweep.api import sweep

        return sweep(target, points, **kw)

    def __getattr__(self, name):
        if name not in _EXPORTS:
            raise AttributeError(f"module 'ranvier.sweep' has no attribute {name!r}")
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        setattr(self, name, value)
        return value


sys.modules[__name__].__class__ = _CallableModule
