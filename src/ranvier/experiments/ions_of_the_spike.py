"""ions-of-the-spike: which ion carries which part of the action potential.

Hodgkin & Huxley's dissection on their own model (squid axon membrane, 6.3 degC, E_Na = +50 and
E_K = -77 mV) as a space-clamped point cell. Under voltage clamp a depolarising step gives an
early transient inward current and a late sustained outward current; the recorded i_na and i_k
say which ion carries each (HH 1952 separated them by replacing external Na+ with choline).
Under current clamp a brief pulse fires an action potential; at the fastest rise and the
fastest fall the ionic currents say which ion drives the upstroke and which the
repolarisation, and integrating i_na and i_k over the spike gives the charge each ion carries.
"""

from __future__ import annotations

import numpy as np

from ranvier.analysis import spike_times
from ranvier.errors import RanvierError
from ranvier.experiments.base import Outcome, Param, experiment

FARADAY_C_MOL = 96485.33212
CM_UF_CM2 = 1.0  # the HH membrane capacitance (uF/cm2), ranvier's default
DELAY_MS = 2.0
HOLD_MV = -65.0


def hh_point_cell():
    import ranvier as rv

    morph = rv.Morphology([rv.Section("soma", 20.0, 20.0, nseg=1)])
    return rv.Cell(morph, mechanisms=[rv.hh_na, rv.hh_k, rv.hh_leak], concentrations=rv.Concentrations.squid(),
                   temperature_degC=6.3, reversal_mV={"na": 50.0, "k": -77.0})


def _ion(name: str) -> str:
    return {"na": "Na+", "k": "K+"}[name]


def _key(ion: str) -> str:
    return {"Na+": "na", "K+": "k"}[ion]


def _dominant(i_na: float, i_k: float) -> str:
    return "Na+" if abs(i_na) > abs(i_k) else "K+"


def _direction(i: float) -> str:
    return "inward" if i < 0 else "outward"


def finding(s: dict) -> str:
    vc = (
        f"Under voltage clamp, a step from {s['vc_holding_mV']:g} to {s['vc_command_mV']:g} mV draws an early current "
        f"carried mainly by {s['vc_early_ion']} ({_direction(s['vc_early_i_mA_cm2'])}, peak i_Na "
        f"{s['vc_peak_na_mA_cm2']:.2f} mA/cm2 at {s['vc_t_peak_na_ms']:.2f} ms after the step) and a late current "
        f"carried mainly by {s['vc_late_ion']} ({_direction(s['vc_late_i_mA_cm2'])}; at the end of the "
        f"{s['vc_step_ms']:g} ms step i_K is {s['vc_late_k_mA_cm2']:.2f} and i_Na {s['vc_late_na_mA_cm2']:.3f} mA/cm2)."
    )
    cc = (
        f" Under current clamp the spike peaks at {s['peak_mV']:.1f} mV. At its fastest rise "
        f"({s['max_rise_mV_ms']:.0f} mV/ms) the upstroke is driven by {s['upstroke_ion']}: i_Na "
        f"{s['upstroke_i_na_mA_cm2']:.2f} mA/cm2 ({_direction(s['upstroke_i_na_mA_cm2'])}) against i_K "
        f"{s['upstroke_i_k_mA_cm2']:.2f} mA/cm2. At its fastest fall ({s['max_fall_mV_ms']:.0f} mV/ms) "
        f"repolarisation is driven by {s['repolarisation_ion']}: i_K {s['repolarisation_i_k_mA_cm2']:.2f} mA/cm2 "
        f"({_direction(s['repolarisation_i_k_mA_cm2'])}) against i_Na {s['repolarisation_i_na_mA_cm2']:.2f} mA/cm2."
    )
    first = s["first_ion"]
    other = "K+" if first == "Na+" else "Na+"
    lag = abs(s["t_half_k_ms"] - s["t_half_na_ms"])
    same_peak = abs(s["t_peak_k_ms"] - s["t_peak_na_ms"]) < 0.05
    charge = (
        f" Over the spike Na+ carries {s['na_charge_uC_cm2']:+.3f} uC/cm2 ({s['na_entry_pmol_cm2']:.2f} pmol/cm2 "
        f"{'entering' if s['na_charge_uC_cm2'] < 0 else 'leaving'}) and K+ {s['k_charge_uC_cm2']:+.3f} uC/cm2 "
        f"({s['k_exit_pmol_cm2']:.2f} pmol/cm2 {'leaving' if s['k_charge_uC_cm2'] > 0 else 'entering'}); the Na+ "
        f"charge is {s['na_charge_ratio']:.2f} times the {s['min_charge_uC_cm2']:.3f} uC/cm2 needed to charge the "
        f"membrane through the spike's amplitude"
        + (", because the Na+ and K+ currents overlap and largely cancel." if s["na_charge_ratio"] > 1.0 else ".")
        + f" {first} moves first: its current reaches half its peak at {s[f't_half_{_key(first)}_ms']:.2f} ms, "
        f"{other}'s at {s[f't_half_{_key(other)}_ms']:.2f} ms, {lag:.2f} ms later; the conductances peak at "
        f"{s['t_peak_gna_ms']:.2f} ms (Na+) and {s['t_peak_gk_ms']:.2f} ms (K+). The inward Na+ current peaks at "
        f"{s['t_peak_na_ms']:.2f} ms and the outward K+ current at {s['t_peak_k_ms']:.2f} ms"
        + (", together, as the falling potential enlarges Na+'s driving force while K+ keeps opening."
           if same_peak else ".")
    )
    return vc + cc + charge


@experiment(
    "ions-of-the-spike",
    "The ions of the spike: Na+ in, then K+ out",
    "Which ion carries the upstroke and which the repolarisation of the action potential, and how much of each?",
    (Param("vc_command_mV", 0.0, "mV", -40.0, 40.0, "voltage-clamp command step from -65 mV"),
     Param("vc_step_ms", 10.0, "ms", 2.0, 50.0, "duration of the voltage-clamp step"),
     Param("stim_nA", 0.4, "nA", 0.2, 2.0, "current-clamp pulse (0.5 ms) that fires the spike"),
     Param("tstop_ms", 20.0, "ms", 10.0, 100.0, "length of the current-clamp run (the charge window)")),
    finding,
)
def run(vc_command_mV: float, vc_step_ms: float, stim_nA: float, tstop_ms: float) -> Outcome:
    import ranvier as rv

    cell = hh_point_cell()
    site = rv.Site("soma", 0.5)
    lab = site.label
    # --- voltage clamp -----------------------------------------------------------------------
    vc = rv.Simulation(cell, stimuli=[rv.VoltageClamp.steps(site, HOLD_MV, vc_command_mV, DELAY_MS, vc_step_ms)],
                       probes=[rv.Probe(site, ("v", "i_na", "i_k"))], tstop_ms=DELAY_MS + vc_step_ms + 3.0,
                       v_init_mV=HOLD_MV).run()
    tv = vc.time.values
    vna, vk = vc.i_na.sel(site=lab).values, vc.i_k.sel(site=lab).values
    on = (tv > DELAY_MS) & (tv <= DELAY_MS + vc_step_ms)
    j_na = np.flatnonzero(on)[np.argmin(vna[on])]
    j_end = np.flatnonzero(on)[-1]
    # --- current clamp -----------------------------------------------------------------------
    cc = rv.Simulation(cell, stimuli=[rv.CurrentClamp.step(site, stim_nA, DELAY_MS, 0.5)],
                       probes=[rv.Probe(site, ("v", "i_na", "i_k", "i_nonspecific"))],
                       tstop_ms=tstop_ms).run()
    t = cc.time.values
    v = cc.v.sel(site=lab).values
    ina, ik = cc.i_na.sel(site=lab).values, cc.i_k.sel(site=lab).values
    if spike_times(t, v).size == 0:
        raise RanvierError(f"a {stim_nA:g} nA pulse of 0.5 ms does not fire the cell; raise stim_nA")
    # the membrane's own rate of change, C dV/dt = -(i_Na + i_K + i_leak), free of the stimulus: the
    # fastest ionic rise is the upstroke, the fastest ionic fall after the peak the repolarisation
    dvdt = -(ina + ik + cc.i_nonspecific.sel(site=lab).values) / CM_UF_CM2 * 1e3  # mA/cm2 / uF/cm2 -> mV/ms
    j_peak = int(np.argmax(v))
    j_rise = int(np.argmax(dvdt[: j_peak + 1]))
    j_fall = j_peak + int(np.argmin(dvdt[j_peak:]))
    j_pna = np.argmin(ina)
    j_pk = np.argmax(ik)
    rev = cell.reversal_potentials_mV()
    with np.errstate(divide="ignore", invalid="ignore"):
        gna = np.where(np.abs(v - rev["na"]) > 1.0, ina / (v - rev["na"]), 0.0)
        gk = np.where(np.abs(v - rev["k"]) > 1.0, ik / (v - rev["k"]), 0.0)
    t_half = {}
    for name, y in (("na", ina[0] - ina), ("k", ik - ik[0])):  # both made positive as they grow
        j = np.flatnonzero(y >= 0.5 * y.max())[0]
        t_half[name] = float(t[j - 1] + (0.5 * y.max() - y[j - 1]) / (y[j] - y[j - 1]) * (t[j] - t[j - 1]))
    w = t >= DELAY_MS
    ina0, ik0 = ina[0], ik[0]  # resting currents, subtracted so that only the spike's charge counts
    q_na = float(np.trapezoid(ina[w] - ina0, t[w]))  # mA/cm2 * ms = uC/cm2
    q_k = float(np.trapezoid(ik[w] - ik0, t[w]))
    amplitude = float(v.max() - v[0])
    qmin = CM_UF_CM2 * amplitude * 1e-3  # uF/cm2 * mV = nC/cm2 -> uC/cm2
    summary = {
        "vc_holding_mV": HOLD_MV,
        "vc_command_mV": vc_command_mV,
        "vc_step_ms": vc_step_ms,
        "vc_peak_na_mA_cm2": round(float(vna[j_na]), 4),
        "vc_t_peak_na_ms": round(float(tv[j_na] - DELAY_MS), 3),
        "vc_early_i_mA_cm2": round(float(vna[j_na] + vk[j_na]), 4),
        "vc_early_ion": _dominant(vna[j_na], vk[j_na]),
        "vc_late_k_mA_cm2": round(float(vk[j_end]), 4),
        "vc_late_na_mA_cm2": round(float(vna[j_end]), 4),
        "vc_late_i_mA_cm2": round(float(vna[j_end] + vk[j_end]), 4),
        "vc_late_ion": _dominant(vna[j_end], vk[j_end]),
        "peak_mV": round(float(v.max()), 2),
        "max_rise_mV_ms": round(float(dvdt[j_rise]), 1),
        "max_fall_mV_ms": round(float(-dvdt[j_fall]), 1),
        "upstroke_i_na_mA_cm2": round(float(ina[j_rise]), 4),
        "upstroke_i_k_mA_cm2": round(float(ik[j_rise]), 4),
        "upstroke_ion": _dominant(ina[j_rise], ik[j_rise]),
        "repolarisation_i_na_mA_cm2": round(float(ina[j_fall]), 4),
        "repolarisation_i_k_mA_cm2": round(float(ik[j_fall]), 4),
        "repolarisation_ion": _dominant(ina[j_fall], ik[j_fall]),
        "na_charge_uC_cm2": round(q_na, 4),
        "k_charge_uC_cm2": round(q_k, 4),
        "na_entry_pmol_cm2": round(-q_na * 1e-6 / FARADAY_C_MOL * 1e12, 3),
        "k_exit_pmol_cm2": round(q_k * 1e-6 / FARADAY_C_MOL * 1e12, 3),
        "min_charge_uC_cm2": round(qmin, 4),
        "na_charge_ratio": round(abs(q_na) / qmin, 3),
        "t_peak_na_ms": round(float(t[j_pna]), 3),
        "t_peak_k_ms": round(float(t[j_pk]), 3),
        "t_half_na_ms": round(t_half["na"], 3),
        "t_half_k_ms": round(t_half["k"], 3),
        "t_peak_gna_ms": round(float(t[np.argmax(gna)]), 3),
        "t_peak_gk_ms": round(float(t[np.argmax(gk)]), 3),
        "first_ion": "Na+" if t_half["na"] < t_half["k"] else "K+",
    }
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(11.0, 4.0), layout="constrained")
        a1, a2 = fig.subplots(1, 2)
        a1.plot(tv, vna, label="i_Na")
        a1.plot(tv, vk, label="i_K")
        a1.plot(tv, vna + vk, "k:", label="i_Na + i_K")
        a1.set_xlabel("time (ms)")
        a1.set_ylabel("current density (mA/cm2, outward +)")
        a1.set_title(f"voltage clamp {HOLD_MV:g} -> {vc_command_mV:g} mV", fontsize=9)
        a1.legend(fontsize=8)
        a2.plot(t, ina, label="i_Na")
        a2.plot(t, ik, label="i_K")
        a2.set_xlabel("time (ms)")
        a2.set_ylabel("current density (mA/cm2, outward +)")
        a2b = a2.twinx()
        a2b.plot(t, v, "k", lw=0.8)
        a2b.set_ylabel("membrane potential (mV)")
        a2.set_title("current clamp: the action potential", fontsize=9)
        a2.legend(fontsize=8)
        figures.append(("Na+ and K+ currents under voltage clamp (left) and during the action potential (right)", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
