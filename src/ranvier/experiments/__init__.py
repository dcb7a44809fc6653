"""Named experiments: physiology and clinic of the action potential, each a measured result.

``ranvier experiment list`` shows them; ``ranvier experiment NAME`` runs one. Each module in
this package registers one experiment (or a few closely related ones) on import.
"""

from __future__ import annotations

import importlib
import pkgutil

from ranvier.errors import check_name
from ranvier.experiments.base import REGISTRY, Experiment, Outcome, Param, experiment

_LOADED = False


def _load_all() -> None:
    global _LOADED
    if not _LOADED:
        for mod in pkgutil.iter_modules(__path__):
            if mod.name != "base" and not mod.name.startswith("_"):
                importlib.import_module(f"{__name__}.{mod.name}")
        _LOADED = True


def catalogue() -> dict[str, Experiment]:
    """Every experiment, by name."""
    _load_all()
    return dict(sorted(REGISTRY.items()))


def get(name: str) -> Experiment:
    """The experiment called ``name`` (with a did-you-mean on a miss)."""
    cat = catalogue()
    check_name("experiment", name, cat)
    return cat[name]


__all__ = ["Experiment", "Outcome", "Param", "catalogue", "experiment", "get"]
