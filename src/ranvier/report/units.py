"""Units read from key suffixes, numbers formatted for people, and readable labels.

ranvier puts a quantity's unit in its name (``peak_mV``, ``conduction_velocity_m_s``);
the report reads it back from there. Nothing here imports matplotlib.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

# Longest suffixes first, so that "_m_s" wins over "_s" and "_ohm_cm2" over "_ohm_cm".
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_mV_per_ms", "mV/ms"),
    ("_mV_ms", "mV/ms"),  # max_rise_mV_ms: a rate (mV per ms), not "max rise mV" in ms
    ("_uC_cm2", "µC/cm²"),
    ("_nC_cm2", "nC/cm²"),
    ("_mA_cm2", "mA/cm²"),
    ("_uA_cm2", "µA/cm²"),
    ("_mS_cm2", "mS/cm²"),
    ("_uF_cm2", "µF/cm²"),
    ("_ohm_cm2", "Ω·cm²"),
    ("_ohm_cm", "Ω·cm"),
    ("_S_cm2", "S/cm²"),
    ("_per_ms", "1/ms"),
    ("_MOhm", "MΩ"),
    ("_degC", "°C"),
    ("_um2", "µm²"),
    ("_m_s", "m/s"),
    ("_um", "µm"),
    ("_mV", "mV"),
    ("_ms", "ms"),
    ("_nA", "nA"),
    ("_pA", "pA"),
    ("_mM", "mM"),
    ("_uM", "µM"),
    ("_nS", "nS"),
    ("_uS", "µS"),
    ("_pF", "pF"),
    ("_Hz", "Hz"),
    ("_mm", "mm"),
    ("_s", "s"),
)

# Units as written in ranvier's Dataset attrs ("mA/cm2") -> as printed ("mA/cm²").
_ATTR_UNITS = {
    "mA/cm2": "mA/cm²", "uA/cm2": "µA/cm²", "uC/cm2": "µC/cm²", "S/cm2": "S/cm²", "mS/cm2": "mS/cm²",
    "uF/cm2": "µF/cm²", "um": "µm", "um2": "µm²", "degC": "°C", "ohm*cm": "Ω·cm", "1": "", "": "",
}

# Ion names used as keys (nernst_mV: {"na": ...}) and as current variables (i_na).
ION_TEXT = {"na": "Na⁺", "k": "K⁺", "cl": "Cl⁻", "ca": "Ca²⁺", "nonspecific": "nonspecific (leak)"}


def split_unit(key: str) -> tuple[str, str | None]:
    """``"peak_mV"`` -> ``("peak", "mV")``; a key without a unit suffix -> ``(key, None)``."""
    for suffix, unit in UNIT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], unit
    return key, None


def pretty_unit(unit: str | None) -> str:
    """A unit as stored in a Dataset's attrs (``"mA/cm2"``) in print form (``"mA/cm²"``)."""
    if unit is None:
        return ""
    return _ATTR_UNITS.get(unit, unit)


def format_number(x: Real, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits, no trailing zeros, plain ASCII minus.

    Integers print whole; very large or very small magnitudes in scientific form
    (``1.5e-07``). ``-68.49877`` -> ``"-68.5"``, ``0.494053`` -> ``"0.4941"``,
    ``600.0`` -> ``"600"``.
    """
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, Integral):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == 0.0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    if mag >= 6 or mag <= -4:
        mant = f"{x:.{digits - 1}e}"
        m, e = mant.split("e")
        if "." in m:
            m = m.rstrip("0").rstrip(".")
        return f"{m}e{int(e):+03d}"
    decimals = max(0, digits - 1 - mag)
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s
