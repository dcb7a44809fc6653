"""The lab: an interactive browser laboratory over the simulator (``ranvier lab``).

Layers, each usable without the next:

* :mod:`ranvier.lab.seed_model` and :mod:`ranvier.lab.scenes` - what a page computes,
  from the public API only (the seed circuit, the registered experiments), as plain
  data: no web library is imported there.
* :mod:`ranvier.lab.runner` - one worker thread that runs simulations one at a time (numba's
  parallel kernels must not be launched from two threads at once), caches answers, and
  lets a newer request from the same browser tab supersede an older one.
* :mod:`ranvier.lab.api` - the JSON API (``/api/experiments``, ``/api/experiments/NAME/run``).
* :mod:`ranvier.lab.pages` and :mod:`ranvier.lab.server` - the Panel (Bokeh server) pages
  and the server. Panel is an optional extra: ``pip install 'ranvier[lab]'``.
"""

from __future__ import annotations

__all__ = ["serve"]


def serve(*args, **kwargs):
    """Start the lab server (see :func:`ranvier.lab.server.serve`)."""
    from ranvier.lab.server import serve as _serve

    return _serve(*args, **kwargs)
