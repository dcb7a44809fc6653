"""Ions, concentrations and the equilibrium physics of a membrane.

A membrane separates two salt solutions of different composition. For one ion
species that can cross the membrane, diffusion pushes it down its
concentration gradient and the membrane voltage pushes it back. The **Nernst
potential** is the voltage at which the two balance, so that ion has no net
flux (Nernst W. (1889) Z. Phys. Chem. 4:129)::

    E = (R T / z F) ln(c_out / c_in)

When several ions can cross, each with its own permeability ``P``, no single
ion is at equilibrium at rest; the voltage settles where the *total* current is
zero. Assuming a constant electric field in the membrane (Goldman D.E. (1943)
J. Gen. Physiol. 27:37, doi:10.1085/jgp.27.1.37; Hodgkin A.L. & Katz B. (1949)
J. Physiol. 108:37, doi:10.1113/jphysiol.1949.sp004310) gives the
**Goldman-Hodgkin-Katz (GHK) current equation** for the flux of one ion and,
for monovalent ions, the **GHK voltage equation** for the zero-current
(resting) potential::

    V = (R T / F) ln( (sum_cations P c_out + sum_anions P c_in)
                    / (sum_cations P c_in  + sum_anions P c_out) )

Units: voltages in mV, concentrations in mM (= mol/m^3), temperatures in degC
(converted to kelvin inside the formulas), permeabilities in cm/s, current
densities in mA/cm^2 with outward (cations leaving the cell) positive.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ranvier.constants import FARADAY_C_PER_MOL, thermal_voltage_mV
from ranvier.errors import RanvierError, check_int, check_name, check_positive, check_real
from ranvier.plausibility import check_band

__all__ = [
    "Ion",
    "SPECIES",
    "ion",
    "nernst_mV",
    "ghk_voltage_mV",
    "ghk_current_density_mA_cm2",
    "Concentrations",
    "DEFAULT_PERMEABILITIES",
    "DEFAULT_TEMPERATURE_DEGC",
    "resting_potential_mV",
]

DEFAULT_TEMPERATURE_DEGC: float = 37.0
"""Default temperature (degC) for the convenience methods: mammalian body temperature."""


# --------------------------------------------------------------------------- ions


def _check_charge(charge: object, name: str = "charge") -> int:
    """A non-zero whole number of elementary charges."""
    z = check_int(name, charge, lo=-8, hi=8)
    if z == 0:
        raise RanvierError(
            f"{name} must be a non-zero whole number of elementary charges, got 0; "
            "an uncharged species has no Nernst potential"
        )
    return z


@dataclass(frozen=True)
class Ion:
    """An ion species.

    Parameters
    ----------
    name : str
        Short lower-case name used throughout ranvier (``"na"``, ``"k"``, ...).
    charge : int
        Valence ``z`` in elementary charges (non-zero).
    """

    name: str
    charge: int

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise RanvierError(f"name must be a non-empty string, got {self.name!r}")
        object.__setattr__(self, "charge", _check_charge(self.charge))


SPECIES: Mapping[str, Ion] = MappingProxyType(
    {
        "na": Ion("na", +1),
        "k": Ion("k", +1),
        "cl": Ion("cl", -1),
        "ca": Ion("ca", +2),
    }
)
"""The ion species ranvier knows, by name (read-only)."""


def ion(name: str) -> Ion:
    """Look up an ion species by name.

    Parameters
    ----------
    name : str
        One of the keys of :data:`SPECIES` (``"na"``, ``"k"``, ``"cl"``, ``"ca"``).

    Returns
    -------
    Ion

    Raises
    ------
    RanvierError
        For an unknown name, with the closest known name suggested.
    """
    return SPECIES[check_name("ion", name, SPECIES)]


# ------------------------------------------------------------- array validation


def _check_positive_scalar(name: str, value: object, unit: str) -> float:
    """:func:`check_positive`, but a NaN/inf error also states the range (> 0)."""
    if isinstance(value, (float, np.floating)) and not math.isfinite(float(value)):
        raise RanvierError(f"{name} must be a finite number > 0 ({unit}), got {float(value)!r}")
    return check_positive(name, value, unit)


def _positive(name: str, value: object, unit: str) -> float | np.ndarray:
    """Finite, > 0 scalar or array; the error names the first bad element."""
    if np.ndim(value) == 0:
        if isinstance(value, np.ndarray):
            value = value.item()
        return _check_positive_scalar(name, value, unit)
    arr = _as_float_array(name, value, unit)
    bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = idx[0] if len(idx) == 1 else idx
        _check_positive_scalar(f"{name}[{where}]", float(arr[idx]), unit)
    return arr


def _real(name: str, value: object, unit: str) -> float | np.ndarray:
    """Finite scalar or array; the error names the first bad element."""
    if np.ndim(value) == 0:
        if isinstance(value, np.ndarray):
            value = value.item()
        return check_real(name, value, unit)
    arr = _as_float_array(name, value, unit)
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = idx[0] if len(idx) == 1 else idx
        check_real(f"{name}[{where}]", float(arr[idx]), unit)
    return arr


def _as_float_array(name: str, value: object, unit: str) -> np.ndarray:
    suffix = f" ({unit})" if unit else ""
    if isinstance(value, np.ndarray) and value.dtype == bool:
        raise RanvierError(f"{name} must be numbers{suffix}, got a boolean array")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise RanvierError(f"{name} must be numbers{suffix}, got {value!r}") from None


def _scalar_or_array(x: np.ndarray | float, *inputs: object) -> float | np.ndarray:
    """Return a Python float when every input was a scalar."""
    if all(np.ndim(i) == 0 for i in inputs):
        return float(x)
    return x


# ------------------------------------------------------------------ equations


def nernst_mV(
    charge: int,
    c_in_mM: float | np.ndarray,
    c_out_mM: float | np.ndarray,
    temperature_degC: float = DEFAULT_TEMPERATURE_DEGC,
) -> float | np.ndarray:
    """Nernst (equilibrium) potential of one ion species.

    ``E = (R T / (z F)) ln(c_out / c_in)`` (Nernst 1889; see e.g. Hille B.
    (2001) *Ion Channels of Excitable Membranes*, 3rd ed., Sinauer, ch. 1).

    Parameters
    ----------
    charge : int
        Valence ``z`` (non-zero whole number).
    c_in_mM, c_out_mM : float or array_like
        Inside and outside concentrations in mM; finite and > 0. Arrays
        broadcast against each other.
    temperature_degC : float
        Temperature in degC, above absolute zero.

    Returns
    -------
    float or numpy.ndarray
        Reversal potential in mV (inside relative to outside). A float when all
        concentrations are scalars.

    Raises
    ------
    RanvierError
        For a zero or non-integer charge, a concentration that is not finite
        and > 0, or a temperature at or below absolute zero.
    """
    z = _check_charge(charge)
    c_in = _positive("c_in_mM", c_in_mM, "mM")
    c_out = _positive("c_out_mM", c_out_mM, "mM")
    vt = thermal_voltage_mV(temperature_degC)
    e = (vt / z) * np.log(np.divide(c_out, c_in))
    return _scalar_or_array(e, c_in_mM, c_out_mM)


def _check_permeabilities(permeabilities: object) -> dict[str, float]:
    """Validated relative permeabilities of monovalent ions."""
    if not isinstance(permeabilities, Mapping):
        raise RanvierError(
            "permeabilities must be a mapping of ion name -> relative permeability "
            f"(e.g. {{'k': 1.0, 'na': 0.05, 'cl': 0.45}}), got {permeabilities!r}"
        )
    out: dict[str, float] = {}
    for key, value in permeabilities.items():
        name = check_name("ion", key, SPECIES)
        if abs(SPECIES[name].charge) != 1:
            raise RanvierError(
                f"permeabilities[{name!r}]: the GHK voltage equation here covers "
                f"monovalent ions only (na, k, cl), but {name!r} has charge "
                f"{SPECIES[name].charge:+d}; leave it out of the permeabilities and "
                "model its current with ghk_current_density_mA_cm2 instead"
            )
        out[name] = check_positive(f"permeabilities[{name!r}]", value, "relative", allow_zero=True)
    if not any(p > 0 for p in out.values()):
        raise RanvierError(
            "permeabilities must have at least one value > 0 (relative), got "
            f"{dict(permeabilities)!r}; with nothing permeant the membrane voltage is undefined"
        )
    return out


def ghk_voltage_mV(
    permeabilities: Mapping[str, float],
    concentrations: Concentrations,
    temperature_degC: float = DEFAULT_TEMPERATURE_DEGC,
) -> float:
    """Goldman-Hodgkin-Katz voltage equation for monovalent ions.

    ``V = (RT/F) ln( (sum_cat P c_out + sum_an P c_in) /
    (sum_cat P c_in + sum_an P c_out) )``, the membrane voltage at which the
    GHK currents of all listed ions sum to zero (Goldman 1943,
    doi:10.1085/jgp.27.1.37; Hodgkin & Katz 1949, doi:10.1113/jphysiol.1949.sp004310).

    Parameters
    ----------
    permeabilities : Mapping[str, float]
        Ion name -> permeability. Only ratios matter, so relative values
        (e.g. ``{"k": 1.0, "na": 0.05, "cl": 0.45}``) or cm/s both work. Each
        must be >= 0 and at least one > 0. Only monovalent species
        (``"na"``, ``"k"``, ``"cl"``) are allowed.
    concentrations : Concentrations
        Inside and outside concentrations.
    temperature_degC : float
        Temperature in degC, above absolute zero.

    Returns
    -------
    float
        Zero-current membrane potential in mV.

    Raises
    ------
    RanvierError
        For unknown or divalent ions, negative or all-zero permeabilities, a
        non-``Concentrations`` argument or a bad temperature.
    """
    perms = _check_permeabilities(permeabilities)
    if not isinstance(concentrations, Concentrations):
        raise RanvierError(
            f"concentrations must be a ranvier.ions.Concentrations, got {concentrations!r}"
        )
    vt = thermal_voltage_mV(temperature_degC)
    numerator = 0.0
    denominator = 0.0
    for name, p in perms.items():
        c_in = concentrations.inside(name)
        c_out = concentrations.outside(name)
        if SPECIES[name].charge > 0:
            numerator += p * c_out
            denominator += p * c_in
        else:
            numerator += p * c_in
            denominator += p * c_out
    return vt * math.log(numerator / denominator)


# u / (1 - exp(-u)) for u >= 0; the Taylor series is used below this |u|.
_SERIES_BELOW = 1e-4


def _bernoulli_factor(w: np.ndarray) -> np.ndarray:
    """``w / (1 - exp(-w))`` for ``w >= 0``, equal to 1 at ``w = 0``.

    For small ``w`` the series ``1 + w/2 + w^2/12 - w^4/720`` is used (its
    truncation error is below 1e-27 for ``w < 1e-4``); otherwise
    ``w / -expm1(-w)``, which has no cancellation.
    """
    small = w < _SERIES_BELOW
    safe = np.where(small, 1.0, w)
    direct = safe / -np.expm1(-safe)
    w2 = w * w
    series = 1.0 + w / 2.0 + w2 / 12.0 - w2 * w2 / 720.0
    return np.where(small, series, direct)


def ghk_current_density_mA_cm2(
    v_mV: float | np.ndarray,
    charge: int,
    permeability_cm_s: float,
    c_in_mM: float | np.ndarray,
    c_out_mM: float | np.ndarray,
    temperature_degC: float = DEFAULT_TEMPERATURE_DEGC,
) -> float | np.ndarray:
    """Goldman-Hodgkin-Katz current equation, outward positive.

    ``I = P z^2 F^2 V / (R T) * (c_in - c_out exp(-u)) / (1 - exp(-u))`` with
    ``u = z F V / (R T)`` (Goldman 1943; Hodgkin & Katz 1949; Hille 2001,
    ch. 14). Positive current is positive charge leaving the cell.

    Numerics: with ``w = |u|`` the equation is evaluated as
    ``I = P z F * w/(1 - exp(-w)) * (c_in exp(min(u, 0)) - c_out exp(-max(u, 0)))``,
    which is algebraically identical for either sign of ``u``, never
    overflows, and tends to the limit ``P z F (c_in - c_out)`` at ``V = 0``
    (the factor ``w/(1 - exp(-w))`` uses ``expm1`` and a Taylor series near 0).

    Units: ``P`` in cm/s times ``F`` in C/mol times ``c`` in mM. Since
    1 mM = 1 mol/m^3 = 1e-6 mol/cm^3, ``P F c`` in these units is
    ``1e-6 A/cm^2 = 1e-3 mA/cm^2`` per unit of the numeric product, so the
    result is ``1e-3 * P[cm/s] * z * F[C/mol] * c[mM] * (...)`` mA/cm^2.

    Parameters
    ----------
    v_mV : float or array_like
        Membrane voltage (inside minus outside) in mV; finite. Vectorised.
    charge : int
        Valence ``z`` (non-zero whole number).
    permeability_cm_s : float
        Membrane permeability ``P`` in cm/s; finite and >= 0.
    c_in_mM, c_out_mM : float or array_like
        Inside and outside concentrations in mM; finite and > 0.
    temperature_degC : float
        Temperature in degC, above absolute zero.

    Returns
    -------
    float or numpy.ndarray
        Current density in mA/cm^2 (outward positive); a float when every
        array argument was a scalar.

    Raises
    ------
    RanvierError
        For non-finite voltages, a bad charge, a negative permeability,
        concentrations that are not finite and > 0, or a bad temperature.
    """
    v = _real("v_mV", v_mV, "mV")
    z = _check_charge(charge)
    p = check_positive("permeability_cm_s", permeability_cm_s, "cm/s", allow_zero=True)
    c_in = _positive("c_in_mM", c_in_mM, "mM")
    c_out = _positive("c_out_mM", c_out_mM, "mM")
    vt = thermal_voltage_mV(temperature_degC)

    u = np.asarray(z * np.asarray(v, dtype=float) / vt, dtype=float)
    w = np.abs(u)
    factor = _bernoulli_factor(w)
    driving = c_in * np.exp(np.minimum(u, 0.0)) - c_out * np.exp(-np.maximum(u, 0.0))
    # 1e-3 converts (cm/s)(C/mol)(mM) to mA/cm^2, see the docstring.
    current = 1e-3 * p * z * FARADAY_C_PER_MOL * factor * driving
    return _scalar_or_array(current, v_mV, c_in_mM, c_out_mM)


# ------------------------------------------------------------ concentrations


@dataclass(frozen=True)
class Concentrations:
    """Inside and outside concentrations of Na+, K+, Cl- and Ca2+ in mM.

    The defaults are representative free ion concentrations for a mammalian
    neuron at rest, rounded textbook values (cf. Hille B. (2001) *Ion Channels
    of Excitable Membranes*, 3rd ed., Sinauer, ch. 1; Kandel E.R. et al.
    *Principles of Neural Science*, ch. on the resting membrane potential).
    Real cells vary, notably in intracellular Cl-.

    ==========  ===========  ============
    ion         inside (mM)  outside (mM)
    ==========  ===========  ============
    Na+         12           145
    K+          140          5
    Cl-         10           110
    Ca2+        1e-4         2
    Mg2+        (not used)   1
    ==========  ===========  ============

    Every field must be finite and > 0 (checked on construction, the error
    names the field), except external Mg2+, which may be 0 (Mg2+-free
    solution, used to relieve the NMDA receptor block). Each must also lie in
    [1e-6, 1000] mM, where the Nernst and GHK equations describe a solution;
    outside its physiological range (``ranvier.plausibility.RANGES``, from
    Hille 2001 table 1.1 and Somjen 2002) a value gives a PhysiologyWarning. Mg2+ enters only through
    that block (1 mM: Jahr & Stevens 1990, J Neurosci 10:3178).
    """

    na_in_mM: float = 12.0
    na_out_mM: float = 145.0
    k_in_mM: float = 140.0
    k_out_mM: float = 5.0
    cl_in_mM: float = 10.0
    cl_out_mM: float = 110.0
    ca_in_mM: float = 1e-4
    ca_out_mM: float = 2.0
    mg_out_mM: float = 1.0

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.name == "mg_out_mM":
                value = check_positive(f.name, getattr(self, f.name), "mM", allow_zero=True)
            else:
                value = _check_positive_scalar(f.name, getattr(self, f.name), "mM")
            # physiological range (warning) inside what the model can represent (error): plausibility.RANGES
            object.__setattr__(self, f.name, check_band(f.name, value, stacklevel=5))

    # -- construction -------------------------------------------------------

    @classmethod
    def mammalian(cls) -> Concentrations:
        """Typical mammalian neuron values (the class defaults)."""
        return cls()

    @classmethod
    def squid(cls) -> Concentrations:
        """Squid giant axon values, as used by Hodgkin and Huxley.

        Na+ 50 in / 440 out, K+ 400 in / 20 out, Cl- 40 in / 560 out,
        Ca2+ 1e-4 in / 10 out (mM), the classic values for the axoplasm and
        sea water (Hille B. (2001) *Ion Channels of Excitable Membranes*,
        3rd ed., Sinauer, ch. 1 and 2; Hodgkin A.L. (1964) *The Conduction of
        the Nervous Impulse*, Liverpool Univ. Press). The Nernst potentials at
        6.3 degC (the temperature of Hodgkin & Huxley 1952, J. Physiol.
        117:500, doi:10.1113/jphysiol.1952.sp004764) are about +52 mV for Na+
        and -72 mV for K+.
        """
        return cls(
            na_in_mM=50.0,
            na_out_mM=440.0,
            k_in_mM=400.0,
            k_out_mM=20.0,
            cl_in_mM=40.0,
            cl_out_mM=560.0,
            ca_in_mM=1e-4,
            ca_out_mM=10.0,
        )

    def with_(self, **changes: float) -> Concentrations:
        """A copy with some fields changed, validated like the constructor.

        Raises
        ------
        RanvierError
            For an unknown field name (with the closest field suggested) or a
            value that is not finite and > 0.
        """
        names = [f.name for f in dataclasses.fields(self)]
        for key in changes:
            check_name("Concentrations field", key, names)
        return dataclasses.replace(self, **changes)

    # -- look-up ------------------------------------------------------------

    def inside(self, name: str) -> float:
        """Inside concentration of ion ``name`` in mM."""
        return getattr(self, f"{check_name('ion', name, SPECIES)}_in_mM")

    def outside(self, name: str) -> float:
        """Outside concentration of ion ``name`` in mM."""
        return getattr(self, f"{check_name('ion', name, SPECIES)}_out_mM")

    def nernst_mV(self, name: str, temperature_degC: float = DEFAULT_TEMPERATURE_DEGC) -> float:
        """Nernst potential of ion ``name`` in mV at ``temperature_degC``."""
        species = ion(name)
        return nernst_mV(
            species.charge, self.inside(name), self.outside(name), temperature_degC
        )

    def reversal_potentials_mV(
        self, temperature_degC: float = DEFAULT_TEMPERATURE_DEGC
    ) -> dict[str, float]:
        """Nernst potentials of every species, ``{name: E in mV}``."""
        return {name: self.nernst_mV(name, temperature_degC) for name in SPECIES}

    # -- electroneutrality --------------------------------------------------

    def net_permeant_charge_mM(self, side: str) -> float:
        """Charge concentration of the listed ions on one side, in mM of e.

        ``sum_i z_i c_i`` over Na+, K+, Cl- and Ca2+ (``"in"`` or ``"out"``).
        Positive means the listed cations outnumber the listed anions and
        impermeant anions (proteins, phosphates, ...) must make up the
        difference; negative means the listed anions are in excess, which in
        a real solution is balanced by cations not modelled here (e.g. Mg2+).
        """
        side = check_name("side", side, ("in", "out"))
        return sum(
            species.charge * getattr(self, f"{name}_{side}_mM")
            for name, species in SPECIES.items()
        )

    @property
    def impermeant_anions_in_mM(self) -> float:
        """Monovalent impermeant anions inside needed for electroneutrality, mM.

        ``max(0, [Na] + [K] + 2[Ca] - [Cl])`` on the inside. If the result
        would be negative it is reported as 0: that side then carries a net
        negative charge in the listed ions (see :meth:`net_permeant_charge_mM`
        for the signed value); nothing is raised.
        """
        return max(0.0, self.net_permeant_charge_mM("in"))

    @property
    def impermeant_anions_out_mM(self) -> float:
        """Monovalent impermeant anions outside needed for electroneutrality, mM.

        ``max(0, [Na] + [K] + 2[Ca] - [Cl])`` on the outside, clamped at 0 as
        for :attr:`impermeant_anions_in_mM`. For :meth:`squid` the outside
        (sea water) has more Cl- than the listed cations, so this is 0: real
        sea water is balanced by Mg2+, which is not modelled.
        """
        return max(0.0, self.net_permeant_charge_mM("out"))


DEFAULT_PERMEABILITIES: Mapping[str, float] = MappingProxyType({"k": 1.0, "na": 0.05, "cl": 0.45})
"""Relative resting permeabilities P_K : P_Na : P_Cl = 1 : 0.05 : 0.45.

The ratios Hodgkin & Katz (1949) fitted to the resting squid axon
(J. Physiol. 108:37, doi:10.1113/jphysiol.1949.sp004310); read-only.
"""


def resting_potential_mV(
    concentrations: Concentrations = Concentrations(),  # noqa: B008 - frozen, immutable
    permeabilities: Mapping[str, float] = DEFAULT_PERMEABILITIES,
    temperature_degC: float = DEFAULT_TEMPERATURE_DEGC,
) -> float:
    """Resting membrane potential from the GHK voltage equation.

    With the default mammalian concentrations, :data:`DEFAULT_PERMEABILITIES`
    and 37 degC this is about -64.9 mV.

    Parameters
    ----------
    concentrations : Concentrations
        Ion concentrations (default: :meth:`Concentrations.mammalian`).
    permeabilities : Mapping[str, float]
        Relative permeabilities of monovalent ions.
    temperature_degC : float
        Temperature in degC.

    Returns
    -------
    float
        Resting potential in mV.
    """
    return ghk_voltage_mV(permeabilities, concentrations, temperature_degC)
