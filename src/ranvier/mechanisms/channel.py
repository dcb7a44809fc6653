"""Channels declared as data: gates built from rate forms, an ion, a conductance, a citation.

A new channel is a new :class:`Channel` value; the solver evaluates every channel
with one generic kernel, so nothing is compiled per channel.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ranvier.errors import RanvierError, check_int, check_name, check_positive, check_real
from ranvier.mechanisms.forms import FORMS, RateForm
from ranvier.plausibility import check_band

ION_NAMES = ("na", "k", "cl", "ca", "nonspecific")


@dataclass(frozen=True)
class Gate:
    """One gating particle, declared either by opening/closing rates or by steady state and time constant.

    Parameters
    ----------
    name : str
        Short name ("m", "h", "n").
    power : int
        Exponent of the gate in the open probability (1..8).
    alpha, beta : RateForm
        Opening and closing rates (1/ms) at the reference temperature.
    inf, tau : RateForm
        Alternatively, steady state (dimensionless, in [0, 1]) and time constant (ms).
    """

    name: str
    power: int = 1
    alpha: RateForm | None = None
    beta: RateForm | None = None
    inf: RateForm | None = None
    tau: RateForm | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise RanvierError(f"gate name must be an identifier like 'm', got {self.name!r}")
        object.__setattr__(self, "power", check_int(f"gate {self.name!r} power", self.power, 1, 8))
        ab = self.alpha is not None and self.beta is not None
        it = self.inf is not None and self.tau is not None
        if ab == it or (ab and (self.inf or self.tau)) or (it and (self.alpha or self.beta)):
            raise RanvierError(
                f"gate {self.name!r} needs either alpha and beta, or inf and tau (exactly one pair)"
            )
        for label in ("alpha", "beta", "inf", "tau"):
            f = getattr(self, label)
            if f is not None and not isinstance(f, FORMS):
                raise RanvierError(
                    f"gate {self.name!r} {label} must be a rate form (Exp, Sigmoid, Linoid, Constant), got {f!r}"
                )
        if it and self.tau.params[0] <= 0:
            raise RanvierError(
                f"gate {self.name!r} tau must be > 0 ms at every voltage; its scale factor is {self.tau.params[0]!r}"
            )
        if ab and self.alpha.params[0] + self.beta.params[0] <= 0:
            raise RanvierError(
                f"gate {self.name!r} needs alpha + beta > 0 (1/ms): with both rates zero it never moves"
            )

    @property
    def kind(self) -> int:
        return 0 if self.alpha is not None else 1

    def steady_state(self, v_mV):
        """Steady-state open probability of the gate at v (mV)."""
        if self.kind == 0:
            a, b = self.alpha(v_mV), self.beta(v_mV)
            return a / (a + b)
        return self.inf(v_mV)

    def time_constant_ms(self, v_mV, phi: float = 1.0):
        """Time constant (ms) at v (mV), with rates multiplied by the temperature factor ``phi``."""
        if self.kind == 0:
            return 1.0 / (phi * (self.alpha(v_mV) + self.beta(v_mV)))
        return self.tau(v_mV) / phi

    @property
    def forms(self) -> tuple[RateForm, RateForm]:
        return (self.alpha, self.beta) if self.kind == 0 else (self.inf, self.tau)


@dataclass(frozen=True)
class Channel:
    """A membrane conductance (ohmic) or permeability (Goldman-Hodgkin-Katz) with gates.

    Parameters
    ----------
    name : str
        Unique name in the catalogue and in recordings (``{name}_{gate}``).
    ion : str
        The ion that carries the current: "na", "k", "cl", "ca" or "nonspecific".
    gbar_S_cm2 : float
        Maximal conductance density (S/cm2), >= 0; for an ohmic channel.
    gates : tuple of Gate
        Gating particles; the open fraction is the product of state**power.
    e_rev_mV : float or None
        Fixed reversal potential (mV). None: the Nernst potential of ``ion`` from
        the cell's concentrations and temperature (required for "nonspecific").
    permeability_cm_s : float or None
        Maximal permeability (cm/s) for a GHK channel; then ``gbar_S_cm2`` is 0 and
        the current follows the GHK current equation of the cell's concentrations.
    q10 : float
        Factor by which rates grow per 10 degC.
    reference_temp_degC : float
        Temperature at which the rates were measured (degC).
    citation : str
        Source of the equations and values (with DOI).
    """

    name: str
    ion: str
    gbar_S_cm2: float = 0.0
    gates: tuple[Gate, ...] = ()
    e_rev_mV: float | None = None
    permeability_cm_s: float | None = None
    q10: float = 3.0
    reference_temp_degC: float = 6.3
    citation: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise RanvierError(f"channel name must be an identifier, got {self.name!r}")
        check_name(f"ion of channel {self.name!r}", self.ion, ION_NAMES)
        where = f"channel {self.name!r}: "
        object.__setattr__(self, "gbar_S_cm2", check_positive(where + "gbar_S_cm2", self.gbar_S_cm2, "S/cm2", allow_zero=True))
        object.__setattr__(self, "gates", tuple(self.gates))
        for g in self.gates:
            if not isinstance(g, Gate):
                raise RanvierError(f"{where}gates must be Gate objects, got {g!r}")
        names = [g.name for g in self.gates]
        if len(set(names)) != len(names):
            raise RanvierError(f"{where}gate names must be unique, got {names}")
        if self.e_rev_mV is not None:
            object.__setattr__(self, "e_rev_mV", check_real(where + "e_rev_mV", self.e_rev_mV, "mV"))
        if self.permeability_cm_s is not None:
            object.__setattr__(
                self, "permeability_cm_s", check_positive(where + "permeability_cm_s", self.permeability_cm_s, "cm/s", allow_zero=True)
            )
            if self.gbar_S_cm2:
                raise RanvierError(f"{where}give either gbar_S_cm2 (ohmic) or permeability_cm_s (GHK), not both")
            if self.ion == "nonspecific":
                raise RanvierError(f"{where}a GHK channel needs a specific ion, not 'nonspecific'")
            if self.e_rev_mV is not None:
                raise RanvierError(f"{where}a GHK channel has no fixed reversal potential; drop e_rev_mV")
        if self.ion == "nonspecific" and self.e_rev_mV is None:
            raise RanvierError(f"{where}a nonspecific channel needs e_rev_mV")
        object.__setattr__(self, "q10", check_positive(where + "q10", self.q10))
        # physiological range (warning) inside what the model can represent (error): plausibility.RANGES
        object.__setattr__(self, "q10", check_band(where + "q10", self.q10, stacklevel=5))
        t = check_real(where + "reference_temp_degC", self.reference_temp_degC, "degC")
        if t < -273.15:
            raise RanvierError(f"{where}reference_temp_degC must be >= -273.15 degC (absolute zero), got {t}")

    @property
    def is_ghk(self) -> bool:
        return self.permeability_cm_s is not None

    @property
    def density(self) -> float:
        """gbar (S/cm2) or permeability (cm/s), whichever the channel uses."""
        return self.permeability_cm_s if self.is_ghk else self.gbar_S_cm2

    def temperature_factor(self, temperature_degC: float) -> float:
        """Rate multiplier phi = q10 ** ((T - T_ref) / 10)."""
        return float(self.q10 ** ((temperature_degC - self.reference_temp_degC) / 10.0))

    def with_(self, **changes) -> "Channel":
        """A copy with some fields changed (validated again)."""
        fields = {f.name for f in dataclasses.fields(self)}
        for k in changes:
            check_name(f"field of Channel {self.name!r}", k, fields)
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_nmodl(cls, path, *, celsius_degC: float | None = None, name: str | None = None) -> tuple["Channel", ...]:
        """The channels of an HH-style NMODL density mechanism (.mod file), one per current it writes.

        See :func:`ranvier.interop.nmodl.channels_from_nmodl` (needs ``lark``: ``pip install 'ranvier[interop]'``).
        """
        from ranvier.interop.nmodl import channels_from_nmodl

        return channels_from_nmodl(path, celsius_degC=celsius_degC, name=name)

    def open_probability(self, v_mV):
        """Steady-state open fraction (product of gate steady states to their powers) at v (mV)."""
        p = np.ones(np.shape(v_mV))
        for g in self.gates:
            p = p * g.steady_state(v_mV) ** g.power
        return p
