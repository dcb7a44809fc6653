"""Physiological ranges of the physical parameters, and the guards that use them.

Each parameter has two intervals:

* the **physiological range**, where real neurons have been measured. A value outside
  it but inside the model's range is physically meaningful (a squid axon, an
  experiment in a dish, a clinical extreme), so it is accepted with a
  :class:`~ranvier.errors.PhysiologyWarning` that names the parameter, the value, the
  range and its source;
* the **model's range**, outside which the equations no longer describe anything (a
  concentration of 1e-300 mM puts a Nernst potential at +18,000 mV; a 1 m thick fibre
  is not an axon). A value there raises :class:`~ranvier.errors.RanvierError` naming
  the parameter, the value and the allowed range, before anything runs.

The ranges are collected in :data:`RANGES` so that documentation, the CLI and the tests
read the same numbers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ranvier.errors import PhysiologyWarning, RanvierError, check_real

__all__ = ["Band", "RANGES", "check_band", "check_dt_for_cells", "INTERNODE_CONDUCTION_TIME_MS"]


@dataclass(frozen=True)
class Band:
    """A parameter's physiological range (warn outside) inside the model's range (error outside).

    ``lo``/``hi`` bound the physiological range, ``lo_model``/``hi_model`` what the model can
    represent (inclusive; ``lo_model_open`` excludes the lower end, e.g. a diameter > 0).
    """

    unit: str
    lo: float
    hi: float
    lo_model: float
    hi_model: float
    source: str
    why_model: str = ""
    lo_model_open: bool = False


_HILLE = "Hille B. (2001) Ion Channels of Excitable Membranes, 3rd ed., Sinauer, table 1.1 (mammalian and squid)"
_SOMJEN = ("Somjen G.G. (2002) Neuroscientist 8:254, doi:10.1177/1073858402008003011 "
           "(brain K+ up to ~60 mM in spreading depression)")
_CONC_MODEL = ("the Nernst and GHK equations hold for dilute solutions: below 1e-6 mM or above 1000 mM "
               "(1 M) a reversal potential leaves any measured range")
_CONC = dict(unit="mM", lo_model=1e-6, hi_model=1000.0, why_model=_CONC_MODEL)

RANGES: Mapping[str, Band] = MappingProxyType({
    # concentrations: mammalian neurons and the squid axon, with pathophysiology (Hille 2001; Somjen 2002)
    "na_in_mM": Band(lo=3.0, hi=60.0, source=_HILLE, **_CONC),
    "na_out_mM": Band(lo=50.0, hi=500.0, source=_HILLE, **_CONC),
    "k_in_mM": Band(lo=50.0, hi=450.0, source=_HILLE, **_CONC),
    "k_out_mM": Band(lo=1.0, hi=80.0, source=f"{_HILLE}; {_SOMJEN}", **_CONC),
    "cl_in_mM": Band(lo=2.0, hi=160.0, source=_HILLE, **_CONC),
    "cl_out_mM": Band(lo=30.0, hi=600.0, source=_HILLE, **_CONC),
    "ca_in_mM": Band(lo=1e-5, hi=0.01, source=f"{_HILLE} (free Ca2+ 10 nM at rest to ~10 uM in a terminal)",
                     **_CONC),
    "ca_out_mM": Band(lo=0.1, hi=12.0, source=_HILLE, **_CONC),
    "mg_out_mM": Band(unit="mM", lo=0.0, hi=10.0, lo_model=0.0, hi_model=1000.0,
                      source="Jahr & Stevens 1990, J Neurosci 10:3178 (1 mM; 0 in Mg2+-free solution)",
                      why_model=_CONC_MODEL),
    # geometry
    "diam_um": Band(unit="um", lo=0.05, hi=1500.0, lo_model=0.0, hi_model=1e4, lo_model_open=True,
                    source="spine necks and the thinnest C fibres ~0.1 um; squid giant axon up to ~1 mm "
                           "(Hille 2001, ch. 1; Hodgkin 1964)",
                    why_model="no cell process is thicker than 1 cm"),
    "length_um": Band(unit="um", lo=0.01, hi=3e6, lo_model=0.0, hi_model=1e8, lo_model_open=True,
                      source="the longest axons are a few metres (large mammals)",
                      why_model="a cable longer than 100 m is no cell"),
    "fiber_diam_um": Band(unit="um", lo=1.0, hi=22.0, lo_model=0.5, hi_model=50.0,
                          source="myelinated mammalian fibres 1-22 um (Hursh 1939, Am J Physiol 127:131; "
                                 "Boyd & Kalu 1979, J Physiol 289:277, doi:10.1113/jphysiol.1979.sp012737)",
                          why_model="below 0.5 um the internode (~100 fibre diameters) is shorter than its two "
                                    "paranodes, and axons thinner than ~0.2 um are not myelinated at all "
                                    "(Waxman & Bennett 1972, Nature New Biol 238:217, doi:10.1038/newbio238217a0); "
                                    "no vertebrate fibre is thicker than ~30 um"),
    # temperature of a mammalian preparation (the seed circuit; mammalian MRG/Traub-Miles channels)
    "mammalian_temperature_degC": Band(
        unit="degC", lo=20.0, hi=42.0, lo_model=0.0, hi_model=45.0,
        source="mammalian channel kinetics are measured at 20-37 degC and scaled by Q10 (McIntyre et al. 2002, "
               "J Neurophysiol 87:995, doi:10.1152/jn.00353.2001); fever reaches ~42 degC",
        why_model="below 0 degC the tissue freezes and above 45 degC proteins denature"),
    # rates
    "q10": Band(unit="", lo=1.0, hi=6.0, lo_model=0.0, hi_model=20.0, lo_model_open=True,
                source="gating rates of ion channels speed up 2-4 fold per 10 degC (Hodgkin & Huxley 1952 used 3; "
                       "Hille 2001, Ion Channels of Excitable Membranes, 3rd ed.); conductances 1.2-1.6",
                why_model="a Q10 above 20 makes a few degC change a rate by orders of magnitude"),
    "input_rate_hz": Band(unit="Hz", lo=0.0, hi=500.0, lo_model=0.0, hi_model=10_000.0,
                          source="an absolute refractory period of ~1-2 ms keeps neurons below ~500 Hz "
                                 "(Kandel et al., Principles of Neural Science, ch. 7)",
                          why_model="more than one spike per 0.1 ms is no spike train"),
})
"""The ranges, by parameter name (read-only)."""


def check_band(name: str, value: object, band: str | Band | None = None, *, stacklevel: int = 3) -> float:
    """Return ``value`` as a float; raise outside the model's range, warn outside the physiological one.

    ``band`` is a key of :data:`RANGES` (default: ``name`` itself, with any ``"section 'x': "``
    prefix removed) or a :class:`Band`.
    """
    key = band if band is not None else name.rsplit(" ", 1)[-1]
    b = RANGES[key] if isinstance(key, str) else key
    x = check_real(name, value, b.unit)
    u = f" {b.unit}" if b.unit else ""
    left = "(" if b.lo_model_open else "["
    bad_lo = x <= b.lo_model if b.lo_model_open else x < b.lo_model
    if bad_lo or x > b.hi_model:
        raise RanvierError(
            f"{name} must be in {left}{b.lo_model:g}, {b.hi_model:g}]{u}, got {x!r}"
            + (f"; {b.why_model}" if b.why_model else "")
        )
    if x < b.lo or x > b.hi:
        warnings.warn(
            f"{name} = {x:g}{u} is outside the physiological range [{b.lo:g}, {b.hi:g}]{u} "
            f"({b.source}); the model runs, but check that this is what you mean",
            PhysiologyWarning, stacklevel=stacklevel,
        )
    return x


# ------------------------------------------------------------------ dt against the fastest physics

INTERNODE_CONDUCTION_TIME_MS = 0.02
"""Time a spike takes to cross one internode of a myelinated fibre (ms).

The internode is ~100 fibre diameters long (Rushton 1951, J Physiol 115:101,
doi:10.1113/jphysiol.1951.sp004655) and the spike travels ~5-6 m/s per um of fibre diameter
(Hursh 1939), so the crossing takes ~17-20 us whatever the diameter.
"""
DT_MYELIN_WARN_MS = 0.0051
"""Above a quarter of the internode time the velocity is a few % low (dt 0.0025 -> 0.00125 ms changes it
< 1 %, tests/physiology/test_conduction.py)."""
DT_MYELIN_MAX_MS = 0.025
"""At dt 0.025 ms the velocity is > 15 % low (tests/physiology/test_conduction.py); at 0.1 ms about half."""

_V_GRID_MV = tuple(float(v) for v in range(-90, 31, 2))  # where a membrane spends its time, rest to peak
GATE_MOVING = (0.05, 0.95)
"""Steady-state range over which a gate's time constant counts (outside it the gate is parked at 0 or 1)."""
DT_GATE_FACTOR = 5.0
"""dt above this many fastest gate time constants gives a warning. A heuristic: exponential Euler is
exact for each gate at a frozen voltage, so the error comes from the voltage moving within a step; the
defaults (HH at 6.3 degC with 0.025 ms: fastest moving gate 0.25 ms; the seed circuit at 37 degC with
0.005 ms: 0.023 ms) stay well below it, while HH channels warmed to 37 degC (tau_m 0.0085 ms) with
0.05 ms are flagged."""


def _fastest_gate(cells: Iterable) -> tuple[float, str] | None:
    """The smallest voltage-gate time constant (ms) over -90..+30 mV at each cell's temperature, counted
    where the gate's steady state is between 0.05 and 0.95 (where it is actually moving)."""
    import numpy as np

    from ranvier.mechanisms.channel import Channel

    v = np.asarray(_V_GRID_MV)
    best: tuple[float, str] | None = None
    seen: set = set()
    for cell in cells:
        for paint in cell.mechanisms:
            ch = paint.channel
            if not isinstance(ch, Channel) or (ch.name, cell.temperature_degC) in seen:
                continue
            seen.add((ch.name, cell.temperature_degC))
            phi = ch.temperature_factor(cell.temperature_degC)
            for gate in ch.gates:
                try:
                    with np.errstate(all="ignore"):
                        tau = np.asarray(gate.time_constant_ms(v, phi), dtype=float)
                except (TypeError, AttributeError):  # ligand or block gates have no voltage time constant
                    continue
                try:  # only where the gate is moving: at the voltages where it sits near 0 or 1 a small
                    with np.errstate(all="ignore"):  # time constant only holds it there
                        inf = np.asarray(gate.steady_state(v), dtype=float)
                except (TypeError, AttributeError):
                    continue
                tau = tau[np.isfinite(tau) & (tau > 0) & (inf > GATE_MOVING[0]) & (inf < GATE_MOVING[1])]
                if tau.size and (best is None or tau.min() < best[0]):
                    best = (float(tau.min()), f"gate {gate.name!r} of channel {ch.name!r} at "
                                              f"{cell.temperature_degC:g} degC")
    return best


def check_dt_for_cells(dt_ms: float, cells: Iterable, *, stacklevel: int = 4) -> None:
    """Refuse or warn about a time step too coarse for the fastest physics in ``cells``.

    * A myelinated fibre (sections tagged "internode"): the spike crosses an internode in
      ~0.02 ms (:data:`INTERNODE_CONDUCTION_TIME_MS`); dt above 0.025 ms is refused (the
      velocity would be set by dt, not by the fibre: 0.1 ms halves it), above 0.005 ms warned.
    * Any voltage gate: dt above :data:`DT_GATE_FACTOR` times its smallest time constant
      (over -90..+30 mV) gives a warning (exponential Euler stays stable, but the gate lags
      and the spike's shape and timing are off).
    """
    cells = list(cells)
    myelinated = any("internode" in sec.tags for c in cells for sec in c.morphology.sections)
    if myelinated:
        if dt_ms > DT_MYELIN_MAX_MS:
            raise RanvierError(
                f"dt_ms must be in (0, {DT_MYELIN_MAX_MS:g}] ms for a myelinated axon, got {dt_ms:g}: a spike "
                f"crosses an internode in ~{INTERNODE_CONDUCTION_TIME_MS:g} ms, so a coarser step sets the "
                f"conduction velocity itself (0.1 ms halves it); use 0.005 ms or less"
            )
        if dt_ms > DT_MYELIN_WARN_MS:
            warnings.warn(
                f"dt_ms = {dt_ms:g} ms is coarse for a myelinated axon: a spike crosses an internode in "
                f"~{INTERNODE_CONDUCTION_TIME_MS:g} ms, and above 0.005 ms the conduction velocity comes out "
                f"low (15 % at 0.025 ms); use 0.005 ms or less", PhysiologyWarning, stacklevel=stacklevel)
    fastest = _fastest_gate(cells)
    if fastest is not None and dt_ms > DT_GATE_FACTOR * fastest[0]:
        tau, what = fastest
        warnings.warn(
            f"dt_ms = {dt_ms:g} ms is more than {DT_GATE_FACTOR:g} times the fastest gate time constant "
            f"({tau:.3g} ms, {what}); the gate lags and the spike's shape and timing are off; "
            f"use dt_ms <= {_nice_floor(DT_GATE_FACTOR * tau):g} ms",
            PhysiologyWarning, stacklevel=stacklevel)


def _nice_floor(x: float) -> float:
    """The largest of 1, 2, 2.5, 5 x 10^k not above x."""
    e = math.floor(math.log10(x))
    for m in (5.0, 2.5, 2.0, 1.0):
        if m * 10**e <= x:
            return m * 10**e
    return 10**e
