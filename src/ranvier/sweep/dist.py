"""Where chunks run: in this process, or on a Dask cluster (a local one by default).

Dask's ``distributed`` is an optional dependency (``pip install 'ranvier[sweep]'``), imported
only here. Workers integrate with one numba thread each (the cluster provides the
parallelism; a numba thread pool per worker would oversubscribe the cores), and warm the
numba cache with a two-step run of the sweep's first batch before any chunk is sent.
"""

from __future__ import annotations

import os

from ranvier.errors import RanvierError

WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def require_distributed():
    try:
        import distributed
    except ImportError:
        raise RanvierError(
            "sweeping on a Dask cluster needs dask's distributed package: pip install 'ranvier[sweep]' "
            "(or run in this process with scheduler='in-process')"
        ) from None
    return distributed


def local_client(n_workers: int | None = None):
    """A Client on a new LocalCluster of worker processes, one thread each; returns (client, cluster)."""
    distributed = require_distributed()
    import dask

    n = n_workers or max(1, os.cpu_count() or 1)
    with dask.config.set({"distributed.worker.daemon": False, "logging.distributed": "error"}):
        cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                           dashboard_address=None, env=dict(WORKER_ENV), silence_logs=40)
    return distributed.Client(cluster), cluster


def remote_client(address: str):
    """A Client connected to the scheduler at ``address`` (e.g. tcp://10.0.0.5:8786)."""
    distributed = require_distributed()
    try:
        return distributed.Client(address, timeout="20s")
    except (OSError, TimeoutError) as e:
        raise RanvierError(f"could not reach a Dask scheduler at {address!r}: {e}") from None
