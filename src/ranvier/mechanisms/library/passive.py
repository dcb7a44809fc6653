"""Passive (leak) membrane: a constant conductance, either nonspecific or split by ion."""

from __future__ import annotations

from collections.abc import Mapping

from ranvier.errors import RanvierError, check_name, check_positive
from ranvier.mechanisms.channel import Channel

PASSIVE_CITATION = "Ohmic leak conductance (e.g. Hille B (2001) Ion Channels of Excitable Membranes, 3rd ed., ch. 1)"


def leak(g_S_cm2: float = 2.5e-5, e_rev_mV: float = -65.0, name: str = "leak") -> Channel:
    """A nonspecific leak with a fixed reversal potential (mV), e.g. the Rallpack membrane (2.5e-5 S/cm2, -65 mV)."""
    return Channel(name=name, ion="nonspecific", gbar_S_cm2=g_S_cm2, e_rev_mV=e_rev_mV, q10=1.0, citation=PASSIVE_CITATION)


DEFAULT_LEAK_FRACTIONS = {"k": 0.70, "na": 0.10, "cl": 0.20}
"""Share of the resting conductance per ion. K+ dominates the resting membrane
(Hodgkin & Katz 1949, J Physiol 108:37), with small Na+ and Cl- parts; these shares,
with the default concentrations, put the leak reversal near -68 mV at 37 degC."""


def ion_leak(g_S_cm2: float = 1e-4, fractions: Mapping[str, float] | None = None) -> tuple[Channel, ...]:
    """A leak made of one ohmic conductance per ion, each reversing at its Nernst potential.

    The leak reversal is then the conductance-weighted mean of the Nernst potentials
    (the chord-conductance equation) and follows the concentrations, never typed in.
    Returns one channel per ion, named ``leak_{ion}``.
    """
    g = check_positive("g_S_cm2", g_S_cm2, "S/cm2")
    fr = dict(DEFAULT_LEAK_FRACTIONS if fractions is None else fractions)
    for ion_name, f in fr.items():
        check_name("leak ion", ion_name, ("na", "k", "cl", "ca"))
        check_positive(f"fractions[{ion_name!r}]", f, allow_zero=True)
    total = sum(fr.values())
    if total <= 0:
        raise RanvierError("fractions must contain at least one positive share")
    return tuple(
        Channel(name=f"leak_{ion_name}", ion=ion_name, gbar_S_cm2=g * f / total, q10=1.0, citation=PASSIVE_CITATION)
        for ion_name, f in fr.items()
        if f > 0
    )
