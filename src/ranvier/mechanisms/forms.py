"""The standard rate forms a gate is declared with (v in mV, rates in 1/ms).

Each form is a frozen value with a NumPy ``__call__`` (used by tests, plots and the
reference kernels) and a ``code`` plus three parameters that lowering writes into
the rate table evaluated by ``ranvier.numerics.rates``. The three forms are those
of Hodgkin & Huxley (1952, J Physiol 117:500) as generalised in NeuroML
(Gleeson et al. 2010, PLoS Comput Biol 6:e1000815).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ranvier.errors import RanvierError, check_real
from ranvier.numerics.rates import FORM_CONSTANT, FORM_EXP, FORM_LINOID, FORM_SIGMOID


def _check(form: str, rate: float, midpoint: float, scale: float) -> tuple[float, float, float]:
    r = check_real(f"{form}.rate", rate, "1/ms")
    m = check_real(f"{form}.midpoint_mV", midpoint, "mV")
    s = check_real(f"{form}.scale_mV", scale, "mV")
    if r < 0:
        raise RanvierError(f"{form}.rate must be >= 0 (1/ms or dimensionless), got {r!r}")
    if s == 0:
        raise RanvierError(f"{form}.scale_mV must be non-zero (mV), got 0")
    return r, m, s


@dataclass(frozen=True)
class Exp:
    """rate * exp((v - midpoint_mV) / scale_mV)."""

    rate: float
    midpoint_mV: float
    scale_mV: float
    code = FORM_EXP

    def __post_init__(self) -> None:
        _check("Exp", self.rate, self.midpoint_mV, self.scale_mV)

    def __call__(self, v_mV):
        return self.rate * np.exp((np.asarray(v_mV, dtype=float) - self.midpoint_mV) / self.scale_mV)

    @property
    def params(self) -> tuple[float, float, float]:
        return (self.rate, self.midpoint_mV, self.scale_mV)


@dataclass(frozen=True)
class Sigmoid:
    """rate / (1 + exp(-(v - midpoint_mV) / scale_mV)); with rate 1 a steady-state curve."""

    rate: float
    midpoint_mV: float
    scale_mV: float
    code = FORM_SIGMOID

    def __post_init__(self) -> None:
        _check("Sigmoid", self.rate, self.midpoint_mV, self.scale_mV)

    def __call__(self, v_mV):
        return self.rate / (1.0 + np.exp(-(np.asarray(v_mV, dtype=float) - self.midpoint_mV) / self.scale_mV))

    @property
    def params(self) -> tuple[float, float, float]:
        return (self.rate, self.midpoint_mV, self.scale_mV)


@dataclass(frozen=True)
class Linoid:
    """rate * x / (1 - exp(-x)) with x = (v - midpoint_mV) / scale_mV; equals ``rate`` at x = 0.

    The usual HH form a (v - v0) / (1 - exp(-(v - v0)/k)) is Linoid(a*k, v0, k).
    """

    rate: float
    midpoint_mV: float
    scale_mV: float
    code = FORM_LINOID

    def __post_init__(self) -> None:
        _check("Linoid", self.rate, self.midpoint_mV, self.scale_mV)

    def __call__(self, v_mV):
        x = (np.asarray(v_mV, dtype=float) - self.midpoint_mV) / self.scale_mV
        small = np.abs(x) < 1e-6
        xs = np.where(small, 1.0, x)
        return self.rate * np.where(small, 1.0 + x * (0.5 + x / 12.0), xs / -np.expm1(-xs))

    @property
    def params(self) -> tuple[float, float, float]:
        return (self.rate, self.midpoint_mV, self.scale_mV)


@dataclass(frozen=True)
class Constant:
    """A voltage-independent value (a rate in 1/ms, a time constant in ms, or a steady state)."""

    value: float
    code = FORM_CONSTANT

    def __post_init__(self) -> None:
        x = check_real("Constant.value", self.value)
        if x < 0:
            raise RanvierError(f"Constant.value must be >= 0, got {x!r}")

    def __call__(self, v_mV):
        return np.full(np.shape(v_mV), float(self.value))

    @property
    def params(self) -> tuple[float, float, float]:
        return (float(self.value), 0.0, 1.0)


RateForm = Exp | Sigmoid | Linoid | Constant
FORMS = (Exp, Sigmoid, Linoid, Constant)
