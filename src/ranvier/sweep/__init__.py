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

    def __getattribute__(self, name):
        # exported names win over submodules of the same name: importing ranvier.sweep.points
        # (which ranvier.sweep.api does) sets the package's attribute ``points`` to that module,
        # which would hide the function rv.sweep.points
        if name in _EXPORTS:
            mod = sys.modules.get(_EXPORTS[name]) or importlib.import_module(_EXPORTS[name])
            return getattr(mod, name)
        return super().__getattribute__(name)


sys.modules[__name__].__class__ = _CallableModule
