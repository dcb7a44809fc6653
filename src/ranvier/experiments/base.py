"""What an experiment is: parameters with ranges, a protocol that runs simulations, a summary of
measured numbers, figures, and a finding written from those numbers only.

An experiment module defines ``summarize``-style work in ``run(**params) -> Outcome`` and the
text in ``finding(summary) -> str``; the two are separate so that a test can hand ``finding``
altered numbers and check that the sentences follow them (no sentence may state a number or
a direction the run did not produce).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ranvier.errors import RanvierError, check_name, check_range


@dataclass(frozen=True)
class Param:
    """A parameter of an experiment: default value, unit, allowed range, one line of help."""

    name: str
    default: float
    unit: str
    lo: float
    hi: float
    help: str

    def check(self, value: object) -> float:
        return check_range(self.name, value, self.lo, self.hi, self.unit)


@dataclass
class Outcome:
    """What one run of an experiment produced."""

    summary: dict  # measured numbers, units in the key names (_mV, _ms, _m_s, _mM, _uC_cm2, ...)
    figures: list = field(default_factory=list)  # (caption, matplotlib Figure) pairs


@dataclass(frozen=True)
class Experiment:
    """A named protocol. ``run`` takes the parameters by name and returns an :class:`Outcome`."""

    name: str
    title: str
    question: str  # one line: what it answers
    params: tuple[Param, ...]
    run_fn: Callable[..., Outcome]
    finding_fn: Callable[[dict], str]

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def check_params(self, **given) -> dict[str, float]:
        """The full parameter set: defaults overridden by ``given``, each checked against its range."""
        by_name = {p.name: p for p in self.params}
        out = self.defaults()
        for k, v in given.items():
            check_name(f"parameter of experiment {self.name!r}", k, by_name)
            out[k] = by_name[k].check(v)
        return out

    def run(self, **given) -> tuple[Outcome, str]:
        """Run with ``given`` parameters; returns the outcome and the finding written from it."""
        params = self.check_params(**given)
        outcome = self.run_fn(**params)
        if not isinstance(outcome, Outcome):
            raise RanvierError(f"experiment {self.name!r} returned {type(outcome).__name__}, not an Outcome")
        outcome.summary.setdefault("parameters", params)
        return outcome, self.finding_fn(outcome.summary)


REGISTRY: dict[str, Experiment] = {}


def experiment(name: str, title: str, question: str, params: tuple[Param, ...], finding: Callable[[dict], str]):
    """Register ``run`` (a function of the parameters returning an Outcome) as experiment ``name``."""

    def register(run: Callable[..., Outcome]) -> Callable[..., Outcome]:
        if name in REGISTRY:
            raise RanvierError(f"experiment {name!r} is registered twice")
        REGISTRY[name] = Experiment(name, title, question, tuple(params), run, finding)
        return run

    return register
