"""Where the Rallpack reference files are.

Installed from a wheel, ``tests/data/rallpacks`` is packaged as ``ranvier/_data/rallpacks``
(``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml); in a source
checkout (editable install) the files are read from the repository's ``tests/data/rallpacks``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ranvier.errors import RanvierError

__all__ = [
    "ANALYTIC_FILE",
    "NEURON_BE_FILE",
    "RALLPACK3_FILE",
    "load_analytic",
    "load_neuron_be",
    "load_rallpack3",
    "reference_dir",
    "reference_file",
]

ANALYTIC_FILE = "rallpack12_analytic.npz"
RALLPACK3_FILE = "rallpack3_reference.npz"
NEURON_BE_FILE = "neuron_rallpack3_be_dt50us.json"

_REPO_DIR = Path(__file__).resolve().parents[3] / "tests" / "data" / "rallpacks"


def reference_dir() -> Path:
    """The folder holding the Rallpack reference files (packaged data first, then the source tree)."""
    try:
        marker = resources.files("ranvier._data.rallpacks") / ANALYTIC_FILE
        if marker.is_file():
            return Path(str(marker)).parent
    except (ImportError, TypeError, OSError, AttributeError):  # not a wheel install: no packaged data
        pass
    if _REPO_DIR.is_dir():
        return _REPO_DIR
    raise RanvierError(
        "the Rallpack reference data are missing: neither the packaged ranvier/_data/rallpacks nor "
        f"{_REPO_DIR} exists; reinstall ranvier from a wheel or run from a source checkout"
    )


def reference_file(name: str) -> Path:
    """Path of one reference file; RanvierError naming it if it is absent."""
    path = reference_dir() / name
    if not path.is_file():
        raise RanvierError(f"the Rallpack reference file {name!r} is missing from {path.parent}")
    return path


@lru_cache(maxsize=None)
def _npz(name: str) -> dict[str, np.ndarray]:
    with np.load(reference_file(name)) as f:
        out = {k: np.array(f[k]) for k in f.files}
    for a in out.values():
        a.setflags(write=False)
    return out


def load_analytic() -> dict[str, np.ndarray]:
    """Rallpack 1/2 analytic traces (mV) on ``t_ms`` (0..250 ms, 0.25 ms) and ``early_t_ms`` (0..10 ms, 0.05 ms)."""
    return dict(_npz(ANALYTIC_FILE))


def load_rallpack3() -> dict[str, np.ndarray]:
    """Rallpack 3 reference: ``t_ms``, ``v_x0_mV``, ``v_xL_mV`` (float32), ``spikes_x0_ms``, ``spikes_xL_ms``."""
    return dict(_npz(RALLPACK3_FILE))


@lru_cache(maxsize=None)
def _neuron_be() -> tuple[str, tuple[float, ...], tuple[float, ...]]:
    path = reference_file(NEURON_BE_FILE)
    try:
        d = json.loads(path.read_text())
        return d["source"], tuple(map(float, d["spikes_x0_ms"])), tuple(map(float, d["spikes_xL_ms"]))
    except (ValueError, KeyError, TypeError) as e:
        raise RanvierError(f"the reference file {path} is unreadable: {e}") from None


def load_neuron_be() -> dict:
    """NEURON 9.0.2's backward-Euler spike times on Rallpack 3 at dt = 50 us.

    Keys: ``source`` (how it was made), ``spikes_x0_ms``, ``spikes_xL_ms``.
    """
    src, x0, xL = _neuron_be()
    return {"source": src, "spikes_x0_ms": np.array(x0), "spikes_xL_ms": np.array(xL)}
