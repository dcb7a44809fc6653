"""summation: temporal and spatial summation of EPSPs at the soma, threshold, and shunting inhibition.

A soma with two dendrites and an axon (mammalian Na+ and K+ channels in soma and axon, ion-specific
leak everywhere) receives AMPA synapses on the middle of its dendrites. All trials are independent
cells integrated in one compiled run. Internal Cl- is set so that E_Cl equals the resting potential,
so a GABA-A synapse changes the voltage hardly at all on its own, yet shunts a coincident EPSP
(Koch, Poggio & Torre 1983, PNAS 80:2799, doi:10.1073/pnas.80.9.2799; Staley & Mody 1992,
J Neurophysiol 68:197, doi:10.1152/jn.1992.68.1.197).
"""

from __future__ import annotations

import math

import numpy as np

import ranvier as rv
from ranvier.analysis import spike_times
from ranvier.constants import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K
from ranvier.experiments.base import Outcome, Param, experiment

_T0_MS = 5.0
_INTERVALS_MS = (50.0, 20.0, 10.0, 5.0, 2.0, 0.0)
_TSTOP_MS = 100.0


def _cell(conc: rv.Concentrations) -> rv.Cell:
    return rv.Cell(rv.soma_dendrites_axon(),
                   mechanisms=[(rv.tm_na, ("soma", "axon")), (rv.tm_kd, ("soma", "axon")), *rv.ion_leak()],
                   concentrations=conc, temperature_degC=37.0)


def _shunting_concentrations() -> tuple[rv.Concentrations, float]:
    """Concentrations whose E_Cl equals the resting potential they produce (a fixed-point iteration)."""
    conc = rv.Concentrations()
    rt_f_mV = GAS_CONSTANT_J_PER_MOL_K * (37.0 + 273.15) / FARADAY_C_PER_MOL * 1e3
    for _ in range(8):
        res = rv.Simulation(_cell(conc), probes=[rv.Site("soma", 0.5)], tstop_ms=0.1).run()
        rest = float(res.v_rest_mV.values[0])
        conc = conc.with_(cl_in_mM=conc.cl_out_mM * math.exp(rest / rt_f_mV))
    return conc, rest


def finding(s: dict) -> str:
    ivs, ratios = s["intervals_ms"], s["temporal_ratio"]
    more = "more" if ratios[-1] > ratios[0] else "less"
    sp = s["spatial_ratio_of_linear_sum"]
    lin = "nearly linearly" if abs(sp - 1) < 0.1 else ("sublinearly" if sp < 1 else "supralinearly")
    fired = [iv for iv, f in zip(ivs, s["pair_fired"]) if f]
    txt = (
        f"One AMPA synapse on a dendrite raises the soma by {s['single_epsp_mV']:.2f} mV"
        + (" and fires a spike. " if s["single_fired"] else ". ")
        + f"A second input {ivs[0]:g} ms later lifts the peak to {ratios[0]:.2f} times a single EPSP, "
        f"{ivs[-2]:g} ms later to {ratios[-2]:.2f} times, and a coincident one to {ratios[-1]:.2f} times: the closer "
        f"in time, the {more} the EPSPs sum (temporal summation, while the first has not decayed)"
    )
    if fired:
        txt += (f"; pairs {', '.join(f'{iv:g}' for iv in fired)} ms apart fired a spike, so those peaks are spikes "
                f"rather than summed EPSPs")
    if s["spatial_fired"]:
        txt += (f". Two coincident synapses on different dendrites fire a spike at the soma "
                f"({s['spatial_epsp_mV']:.2f} mV above rest), beyond any summation of EPSPs. ")
    else:
        txt += (f". Two coincident synapses on different dendrites give {s['spatial_epsp_mV']:.2f} mV at the soma, "
                f"{100 * sp:.0f} % of the arithmetic sum: they sum {lin} (spatial summation). ")
    n = s["synapses_to_threshold"]
    if n is None:
        txt += f"Even {s['max_synapses']:g} coincident synapses did not fire the cell. "
    elif n == 1:
        txt += "A single synapse already fires a spike. "
    else:
        verb = "depolarises" if n == 2 else "depolarise"
        txt += (f"{n:g} coincident synapses fire a spike; {n - 1:g} {verb} the soma by "
                f"{s['subthreshold_epsp_mV']:.1f} mV without one. ")
    red = s["shunt_reduction_percent"]
    txt += (f"With E_Cl set to the resting potential ({s['e_cl_mV']:.1f} mV against rest {s['rest_mV']:.1f} mV), "
            f"a GABA-A synapse alone moves the soma by only {s['ipsp_mV']:+.4f} mV; coincident with the EPSP on the "
            f"same dendrite ")
    if abs(red) < 1.0:
        txt += (f"it leaves the EPSP almost unchanged ({s['single_epsp_mV']:.2f} against "
                f"{s['shunted_epsp_mV']:.2f} mV, "
                f"{red:+.1f} %): no appreciable shunt.")
    else:
        txt += (f"it still {'reduces' if red > 0 else 'increases'} the EPSP from {s['single_epsp_mV']:.2f} to "
                f"{s['shunted_epsp_mV']:.2f} mV ({abs(red):.0f} %): "
                + ("shunting inhibition, by the added conductance rather than by hyperpolarisation."
                   if red > 0 and abs(s["ipsp_mV"]) < 0.1 * s["single_epsp_mV"] else
                   "here the inhibition is not a pure shunt."))
    return txt


@experiment(
    "summation",
    "Temporal and spatial summation, threshold, and shunting inhibition",
    "How do EPSPs add up in time and space to reach threshold, and how can an inhibitory synapse that barely "
    "changes the voltage still cancel an EPSP?",
    (Param("ampa_gmax_nS", 1.0, "nS", 0.1, 10.0, "peak conductance of each AMPA synapse"),
     Param("gaba_gmax_nS", 10.0, "nS", 0.0, 100.0, "peak conductance of the GABA-A synapse"),
     Param("max_synapses", 30, "", 2, 60, "the most coincident AMPA synapses tried for threshold")),
    finding,
)
def run(ampa_gmax_nS: float, gaba_gmax_nS: float, max_synapses: float) -> Outcome:
    conc, rest = _shunting_concentrations()
    ge, gi = ampa_gmax_nS * 1e-3, gaba_gmax_nS * 1e-3
    n_max = int(round(max_synapses))
    # each trial: a list of (receptor, section, spike times)
    trials = {"single": [(rv.AMPA, "dend0", (_T0_MS,))]}
    for iv in _INTERVALS_MS:  # two inputs onto the same dendritic site, iv ms apart
        trials[f"pair{iv:g}"] = [(rv.AMPA, "dend0", (_T0_MS,)), (rv.AMPA, "dend0", (_T0_MS + iv,))]
    trials["spatial"] = [(rv.AMPA, "dend0", (_T0_MS,)), (rv.AMPA, "dend1", (_T0_MS,))]
    for n in range(2, n_max + 1):
        trials[f"n{n}"] = [(rv.AMPA, f"dend{i % 2}", (_T0_MS,)) for i in range(n)]
    trials["ipsp"] = [(rv.GABA_A, "dend0", (_T0_MS,))]
    trials["shunt"] = [(rv.AMPA, "dend0", (_T0_MS,)), (rv.GABA_A, "dend0", (_T0_MS,))]
    names = list(trials)
    cells, syns, probes = [], [], []
    for k, name in enumerate(names):
        cells.append(_cell(conc))
        for rec, sec, times in trials[name]:
            syns.append(rv.Synapse(rec, rv.Site(sec, 0.5, cell=k), ge if rec is rv.AMPA else gi, rv.SpikeTrain(times)))
        probes.append(rv.Probe(rv.Site("soma", 0.5, cell=k), ("v",)))
    res = rv.Simulation(cells, probes=probes, synapses=syns, tstop_ms=_TSTOP_MS, dt_ms=0.025).run()
    t = res.time.values
    v = {name: res.v.isel(site=k).values for k, name in enumerate(names)}
    peak = {name: float(v[name].max() - v[name][0]) for name in names}
    fires = {name: spike_times(t, v[name]).size > 0 for name in names}
    counts = [1] + list(range(2, n_max + 1))
    n_peaks = [peak["single"]] + [peak[f"n{n}"] for n in range(2, n_max + 1)]
    n_fire = [fires["single"]] + [fires[f"n{n}"] for n in range(2, n_max + 1)]
    first = next((c for c, f in zip(counts, n_fire) if f), None)
    single = peak["single"]
    ipsp = v["ipsp"] - v["ipsp"][0]
    ipsp_mV = float(ipsp[np.argmax(np.abs(ipsp))])
    summary = {
        "rest_mV": round(rest, 3),
        "e_cl_mV": round(_cell(conc).reversal_potentials_mV()["cl"], 3),
        "single_epsp_mV": round(single, 4),
        "intervals_ms": list(_INTERVALS_MS),
        "pair_epsp_mV": [round(peak[f"pair{iv:g}"], 4) for iv in _INTERVALS_MS],
        "temporal_ratio": [round(peak[f"pair{iv:g}"] / single, 4) for iv in _INTERVALS_MS],
        "single_fired": bool(fires["single"]),
        "pair_fired": [bool(fires[f"pair{iv:g}"]) for iv in _INTERVALS_MS],
        "spatial_fired": bool(fires["spatial"]),
        "spatial_epsp_mV": round(peak["spatial"], 4),
        "spatial_ratio_of_linear_sum": round(peak["spatial"] / (2 * single), 4),
        "max_synapses": n_max,
        "synapses_to_threshold": first,
        "subthreshold_epsp_mV": round(n_peaks[counts.index(first) - 1], 3) if first and first > 1 else None,
        "ipsp_mV": round(ipsp_mV, 4),
        "shunted_epsp_mV": round(peak["shunt"], 4),
        "shunt_reduction_percent": round(100 * (1 - peak["shunt"] / single), 2),
    }
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9.0, 6.0))
        (a1, a2), (a3, a4) = fig.subplots(2, 2)
        for iv in _INTERVALS_MS:
            a1.plot(t, v[f"pair{iv:g}"], lw=1, label=f"{iv:g} ms")
        a1.set_title("temporal summation (second input after ...)", fontsize=9)
        a1.legend(fontsize=7)
        a2.plot(t, v["single"], label="one dendrite")
        a2.plot(t, v["spatial"], label="both dendrites")
        a2.set_title("spatial summation", fontsize=9)
        a2.legend(fontsize=7)
        a3.plot(counts, [p + v["single"][0] for p in n_peaks], "o-")
        a3.set_xlabel("coincident synapses")
        a3.set_ylabel("peak soma voltage (mV)")
        a3.set_title("reaching threshold", fontsize=9)
        a4.plot(t, v["single"], label="EPSP")
        a4.plot(t, v["ipsp"], label="GABA-A alone (E_Cl = rest)")
        a4.plot(t, v["shunt"], label="EPSP + GABA-A")
        a4.set_title("shunting inhibition", fontsize=9)
        a4.legend(fontsize=7)
        for a in (a1, a2, a4):
            a.set_xlim(0, 70)
            a.set_xlabel("time (ms)")
            a.set_ylabel("soma (mV)")
        fig.tight_layout()
        figures.append(("EPSPs summing in time and space, reaching threshold, and a shunting IPSP", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
