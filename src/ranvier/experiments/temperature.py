"""temperature: Q10 of the action potential's width and of conduction velocity.

Channel rates scale with temperature by their Q10 (3 for the Hodgkin-Huxley rates, from 6.3 degC).
An unmyelinated Hodgkin-Huxley axon is stimulated at one end at several temperatures; the
half-width of the action potential is measured in its middle and the conduction velocity between
points at 25 % and 75 % of its length. A myelinated fibre (``ranvier.myelin``) is measured at 30, 37
and 40 degC. The measured Q10 is exp(10 x the slope of ln(quantity) against temperature); for the half-width it is
the factor by which the spike shortens per 10 degC (exp(-10 x slope)), so that it reads above 1.
Reference: Hodgkin & Katz 1949 (J Physiol 109:240, doi:10.1113/jphysiol.1949.sp004388) for the
shortening of the squid spike with warming; Paintal 1965 (J Physiol 180:20,
doi:10.1113/jphysiol.1965.sp007686) for a conduction-velocity Q10 near 1.6 in mammalian
myelinated fibres.
"""

from __future__ import annotations

import numpy as np

import ranvier as rv
from ranvier import myelin
from ranvier.analysis import ap_features, spike_times
from ranvier.errors import RanvierError
from ranvier.experiments.base import Outcome, Param, experiment

HH_TEMPS_DEGC = (6.3, 11.3, 16.3, 21.3, 26.3)
MYELIN_TEMPS_DEGC = (30.0, 37.0, 40.0)
_LENGTH_UM = 2000.0


def _q10(temps, values) -> float:
    slope = np.polyfit(np.asarray(temps, float), np.log(np.asarray(values, float)), 1)[0]
    return float(np.exp(10.0 * slope))


def _hh_axon(diam_um: float, temperature_degC: float) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Half-width (ms) in the middle, velocity (m/s) between 25 % and 75 %, and the middle trace."""
    cell = rv.Cell(rv.cable(length_um=_LENGTH_UM, diam_um=diam_um), mechanisms=[rv.hh_na, rv.hh_k, rv.hh_leak],
                   concentrations=rv.Concentrations.squid(), temperature_degC=temperature_degC)
    amp = 20.0 * (diam_um / 5.0) ** 1.5  # enough to fire the end of the cable at every size offered
    sites = [rv.Site("cable", 0.25), rv.Site("cable", 0.5), rv.Site("cable", 0.75)]
    res = rv.Simulation(cell, [rv.CurrentClamp.step(rv.Site("cable", 0.0), amp, 1.0, 0.3)],
                        probes=[rv.Probe(s, ("v",)) for s in sites], tstop_ms=15.0, dt_ms=0.025).run()
    t = res.time.values
    a = spike_times(t, res.v.sel(site="cable(0.25)").values)
    b = spike_times(t, res.v.sel(site="cable(0.75)").values)
    vm = res.v.sel(site="cable(0.5)").values
    f = ap_features(t, vm)
    if not (a.size and b.size and f):
        raise RanvierError(f"the action potential did not propagate along the HH axon at {temperature_degC:g} degC")
    velocity = 0.5 * _LENGTH_UM * 1e-6 / ((b[0] - a[0]) * 1e-3)
    return float(f[0].half_width_ms), float(velocity), t, vm


def finding(s: dict) -> str:
    tw, hw, cv = s["hh_temperatures_degC"], s["hh_half_width_ms"], s["hh_velocity_m_s"]
    q_w, q_v = s["q10_half_width"], s["q10_velocity"]
    narrow = "narrows" if hw[-1] < hw[0] else "widens"
    fast = "speeds up" if cv[-1] > cv[0] else "slows down"
    tm, mv = s["myelin_temperatures_degC"], s["myelin_velocity_m_s"]
    mfast = "rises" if mv[-1] > mv[0] else "falls"
    why = ("The gates open and close faster (their rates have Q10 3), so the spike is briefer; "
           if hw[-1] < hw[0] else "Although the gates' rates rise with temperature, the spike is not briefer here; ")
    if abs(np.log(q_v)) < abs(np.log(q_w)):
        why += ("the velocity changes less than the width, because it also depends on the cable's passive "
                "spread, which temperature does not change here. ")
    else:
        why += "the velocity changes at least as much as the width. "
    return (
        f"Warming the {s['axon_diam_um']:g} um Hodgkin-Huxley axon from {tw[0]:g} to {tw[-1]:g} degC, the action "
        f"potential {narrow} from {hw[0]:.2f} to {hw[-1]:.2f} ms half-width (Q10 {q_w:.2f}: it "
        f"{'shortens' if q_w > 1 else 'lengthens'} by a factor {max(q_w, 1 / q_w):.2f} per 10 degC) and "
        f"conduction {fast} from {cv[0]:.2f} to {cv[-1]:.2f} m/s (Q10 {q_v:.2f}). " + why
        + f"In a {s['fiber_diam_um']:g} um myelinated fibre the velocity {mfast} from {mv[0]:.1f} m/s at {tm[0]:g} "
        f"degC to {mv[-1]:.1f} m/s at {tm[-1]:g} degC (Q10 {s['q10_myelin_velocity']:.2f})."
    )


@experiment(
    "temperature",
    "Temperature: Q10 of spike width and conduction velocity",
    "How does temperature change how long an action potential lasts and how fast it travels?",
    (Param("axon_diam_um", 5.0, "um", 1.0, 20.0, "diameter of the unmyelinated Hodgkin-Huxley axon"),
     Param("fiber_diam_um", 10.0, "um", 2.0, 16.0, "fibre diameter of the myelinated axon")),
    finding,
)
def run(axon_diam_um: float, fiber_diam_um: float) -> Outcome:
    hw, cv, traces = [], [], []
    for temp in HH_TEMPS_DEGC:
        w, v, t, vm = _hh_axon(axon_diam_um, temp)
        hw.append(w)
        cv.append(v)
        traces.append(vm)
    mv = [float(myelin.conduction_velocity(fiber_diam_um, True, temperature_degC=temp)) for temp in MYELIN_TEMPS_DEGC]
    summary = {
        "axon_diam_um": axon_diam_um,
        "fiber_diam_um": fiber_diam_um,
        "hh_temperatures_degC": list(HH_TEMPS_DEGC),
        "hh_half_width_ms": [round(x, 4) for x in hw],
        "hh_velocity_m_s": [round(x, 4) for x in cv],
        "q10_half_width": round(1.0 / _q10(HH_TEMPS_DEGC, hw), 3),  # how many times shorter per 10 degC
        "q10_velocity": round(_q10(HH_TEMPS_DEGC, cv), 3),
        "myelin_temperatures_degC": list(MYELIN_TEMPS_DEGC),
        "myelin_velocity_m_s": [round(x, 3) for x in mv],
        "q10_myelin_velocity": round(_q10(MYELIN_TEMPS_DEGC, mv), 3),
    }
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9.0, 3.8))
        a1, a2 = fig.subplots(1, 2)
        for temp, vm in zip(HH_TEMPS_DEGC, traces):
            a1.plot(t, vm, label=f"{temp:g} degC")
        a1.set_xlabel("time (ms)")
        a1.set_ylabel("membrane potential (mV)")
        a1.set_title("HH axon, middle", fontsize=9)
        a1.legend(fontsize=7)
        a2.semilogy(HH_TEMPS_DEGC, hw, "o-", label="HH half-width (ms)")
        a2.semilogy(HH_TEMPS_DEGC, cv, "s-", label="HH velocity (m/s)")
        a2.semilogy(MYELIN_TEMPS_DEGC, mv, "^-", label="myelinated velocity (m/s)")
        a2.set_xlabel("temperature (degC)")
        a2.legend(fontsize=7)
        fig.tight_layout()
        figures.append(("Spike width falls and conduction velocity rises with temperature", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
