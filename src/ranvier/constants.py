"""Physical constants used by ranvier, with exact 2019 SI values.

Since the 2019 revision of the SI the elementary charge, the Avogadro constant
and the Boltzmann constant are *defined* (exact) numbers, so the Faraday
constant ``F = e * N_A`` and the molar gas constant ``R = k_B * N_A`` are exact
too (BIPM (2019) *The International System of Units (SI)*, 9th ed., section 2.2;
Tiesinga E. et al. (2021) CODATA recommended values of the fundamental physical
constants: 2018, Rev. Mod. Phys. 93:025010, doi:10.1103/RevModPhys.93.025010).

Units inside ranvier are mV, ms, um, mM and degC at the edges; formulas that
need an absolute temperature convert to kelvin with :data:`ZERO_CELSIUS_K`.
"""

from __future__ import annotations

import math

from ranvier.errors import check_range

__all__ = [
    "ELEMENTARY_CHARGE_C",
    "AVOGADRO_PER_MOL",
    "BOLTZMANN_J_PER_K",
    "FARADAY_C_PER_MOL",
    "GAS_CONSTANT_J_PER_MOL_K",
    "ZERO_CELSIUS_K",
    "check_temperature_degC",
    "kelvin",
    "thermal_voltage_mV",
]

ELEMENTARY_CHARGE_C: float = 1.602176634e-19
"""Elementary charge ``e`` in coulomb (exact, 2019 SI)."""

AVOGADRO_PER_MOL: float = 6.02214076e23
"""Avogadro constant ``N_A`` in 1/mol (exact, 2019 SI)."""

BOLTZMANN_J_PER_K: float = 1.380649e-23
"""Boltzmann constant ``k_B`` in J/K (exact, 2019 SI)."""

FARADAY_C_PER_MOL: float = ELEMENTARY_CHARGE_C * AVOGADRO_PER_MOL
"""Faraday constant ``F = e * N_A`` in C/mol (about 96485.332 C/mol).

The charge carried by one mole of elementary charges. Exact in the 2019 SI;
the float is the correctly rounded product.
"""

GAS_CONSTANT_J_PER_MOL_K: float = BOLTZMANN_J_PER_K * AVOGADRO_PER_MOL
"""Molar gas constant ``R = k_B * N_A`` in J/(mol K) (about 8.3144626 J/(mol K))."""

ZERO_CELSIUS_K: float = 273.15
"""0 degC expressed in kelvin (exact by definition of the Celsius scale)."""


def check_temperature_degC(temperature_degC: object, name: str = "temperature_degC") -> float:
    """Return ``temperature_degC`` as a float strictly above absolute zero.

    Parameters
    ----------
    temperature_degC : float
        Temperature in degrees Celsius.
    name : str
        Parameter name used in the error message.

    Returns
    -------
    float
        The temperature in degC.

    Raises
    ------
    RanvierError
        If the value is not a finite number or is at or below absolute zero
        (-273.15 degC), where ``RT/F`` would vanish or be negative.
    """
    return check_range(
        name,
        temperature_degC,
        -ZERO_CELSIUS_K,
        math.inf,
        "degC",
        lo_open=True,
        hi_open=True,
        remedy="that is at or below absolute zero (0 K = -273.15 degC)",
    )


def kelvin(temperature_degC: object) -> float:
    """Convert a validated temperature from degC to K.

    Parameters
    ----------
    temperature_degC : float
        Temperature in degC; must be above -273.15.

    Returns
    -------
    float
        Absolute temperature in K.
    """
    return check_temperature_degC(temperature_degC) + ZERO_CELSIUS_K


def thermal_voltage_mV(temperature_degC: object) -> float:
    """Thermal voltage ``RT/F`` in mV.

    The voltage across which a monovalent ion's electrical energy equals its
    thermal energy; about 26.7 mV at 37 degC and 25.3 mV at 20 degC.

    Parameters
    ----------
    temperature_degC : float
        Temperature in degC; must be finite and above absolute zero
        (-273.15 degC).

    Returns
    -------
    float
        ``R * T / F`` in millivolts, with ``T`` in kelvin.

    Raises
    ------
    RanvierError
        If the temperature is non-finite or below absolute zero.
    """
    temperature_K = kelvin(temperature_degC)
    return 1e3 * GAS_CONSTANT_J_PER_MOL_K * temperature_K / FARADAY_C_PER_MOL
