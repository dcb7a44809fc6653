"""Parameter sweeps: many parameter sets, batched into few Simulations, spread over a Dask
cluster, stored chunk by chunk so that nothing finished is lost.

``rv.sweep(target, points, out=...)`` (:func:`ranvier.sweep.api.sweep`); points from
:func:`grid`, :func:`sample` (random, Latin hypercube, Sobol) or :func:`points`. Dask is
imported only when a cluster is used.
"""

from ranvier.sweep.api import default_chunk_size, sweep
from ranvier.sweep.points import Points, grid, parse_axis, points, sample
from ranvier.sweep.target import Target, default_measure, resolve

__all__ = ["Points", "Target", "default_chunk_size", "default_measure", "grid", "parse_axis", "points", "resolve",
           "sample", "sweep"]


class _CallableModule(__import__("types").ModuleType):
    """``ranvier.sweep`` is this package and also callable: ``rv.sweep(target, points)`` is
    :func:`ranvier.sweep.api.sweep` (Python sets the package as ``ranvier.sweep`` once it is
    imported, so a plain function of that name would be shadowed)."""

    def __call__(self, target, points, **kw):
        return sweep(target, points, **kw)


__import__("sys").modules[__name__].__class__ = _CallableModule
