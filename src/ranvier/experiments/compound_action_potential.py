"""compound-action-potential: a nerve of a few thousand fibres, its summed response at a
distance, and what demyelination does to it (Guillain-Barre syndrome).

The nerve
---------
A human sural-like nerve: ``n_myelinated`` myelinated fibres whose diameters follow the
bimodal distribution of the adult human sural nerve, modes at 3-5 um and 9-12 um (Jacobs JM,
Love S (1985) Qualitative and quantitative morphology of human sural nerve at different
ages, Brain 108:897-924, doi:10.1093/brain/108.4.897; here two equal normal populations at
4.0 +- 0.8 um and 10.5 +- 1.2 um, cut to 2-16 um: the mode positions are theirs, the widths
and the equal weights are this model's choice), and ``n_unmyelinated`` C fibres of
0.8 +- 0.25 um cut to the C range 0.25-1.5 um (Kandel et al. 2013, Principles of Neural
Science 5th ed., Table 22-1: C fibres 0.2-1.5 um; the centre is this model's choice).

How the response is computed
----------------------------
Every fibre is not simulated over the whole conduction distance. A sweep over diameter (and
myelin left) runs one fibre per grid point, batched (:func:`ranvier.sweep.batch.run_batched`:
the myelinated fibres of identical structure run side by side in lanes); each gives a
conduction velocity theta and the action potential V(t) at a node far from the stimulus.
Each fibre of the nerve then contributes the potential of a steadily travelling action
potential, seen by an electrode at radial distance h from the nerve and axial distance X
from the stimulus, in a homogeneous medium of resistivity rho_e (line-source, core-conductor
approximation; e.g. Plonsey R, Barr RC, Bioelectricity: A Quantitative Approach, ch. 8)::

    phi(t) = rho_e / (4 pi) * pi d_a^2 / (4 R_i) * (1 / theta) * integral V''(u) / sqrt((theta (t - X/theta - u))^2 + h^2) du

with d_a the axon diameter and R_i = 70 ohm cm; phi is computed for each simulated (grid) fibre; a fibre of the nerve takes
the potential of the nearest grid fibre scaled by (d / d_grid)^2 and its own latency X / theta
with theta interpolated in diameter. For myelinated fibres this spreads
the nodal currents over the internode, which is fair when h is at least about one internode
(~1 mm). rho_e = 500 ohm cm, the extracellular resistivity of McIntyre et al. (2002,
doi:10.1152/jn.00353.2001). The compound response (CAP) is the sum over fibres.

Demyelination
-------------
In acute inflammatory demyelinating polyneuropathy (Guillain-Barre syndrome) conduction
slows, the compound potential disperses in time and some fibres block (e.g. Rasminsky &
Sears 1972, J Physiol 227:323, doi:10.1113/jphysiol.1972.sp010035 for slowing and block in
demyelinated fibres). Here a random ``affected_fraction`` of the myelinated fibres are
demyelinated on every internode (:func:`ranvier.myelin.demyelinate`), half of them keeping
``myelin_left`` of their lamellae and half sqrt(myelin_left) (lesions vary in severity);
a fibre whose simulated action potential fails to cross its lesioned internodes contributes
nothing at the electrode. Everything reported is measured on the two computed responses.
"""

from __future__ import annotations

import numpy as np

from ranvier.experiments.base import Outcome, Param, experiment

JACOBS_LOVE_MODES_UM = ((4.0, 0.8), (10.5, 1.2))  # (mean, sd): modes 3-5 and 9-12 um (Jacobs & Love 1985)
MYELINATED_RANGE_UM = (2.0, 16.0)
C_DIAM_UM = (0.8, 0.25)
C_RANGE_UM = (0.25, 1.5)
GRID_MYELINATED_UM = tuple(float(d) for d in range(2, 17))
GRID_C_UM = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5)
RHO_E_OHM_M = 5.0  # 500 ohm cm (McIntyre et al. 2002)
RI_OHM_M = 0.7  # 70 ohm cm
C_DT_MS = 0.01
C_TSTOP_MS = 30.0


def population(n_myelinated: int, n_unmyelinated: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Fibre diameters (um) of the nerve: myelinated (bimodal) and unmyelinated, reproducible."""
    rng = np.random.default_rng(seed)

    def truncnorm(mu, sd, lo, hi, n):
        out = np.empty(0)
        while out.size < n:
            x = rng.normal(mu, sd, 2 * n + 10)
            out = np.concatenate([out, x[(x >= lo) & (x <= hi)]])
        return out[:n]

    half = n_myelinated // 2
    my = np.concatenate([truncnorm(*JACOBS_LOVE_MODES_UM[0], *MYELINATED_RANGE_UM, half),
                         truncnorm(*JACOBS_LOVE_MODES_UM[1], *MYELINATED_RANGE_UM, n_myelinated - half)])
    un = truncnorm(*C_DIAM_UM, *C_RANGE_UM, n_unmyelinated)
    return my, un


def _c_sim(d_um: float):
    from ranvier import myelin
    from ranvier.probe import Probe
    from ranvier.simulation import Simulation
    from ranvier.site import Site
    from ranvier.stimulus import CurrentClamp

    ax = myelin.unmyelinated_axon(d_um, 4000.0 * np.sqrt(d_um))
    stim = CurrentClamp.step(Site(ax.name, 0.0), 3.0 * d_um**1.5, 0.1, 0.1)
    return Simulation(ax.cell(temperature_degC=37.0), [stim], [Probe(Site(ax.name, 0.25), ("v",)),
                                                                 Probe(Site(ax.name, 0.75), ("v",))],
                      tstop_ms=C_TSTOP_MS, dt_ms=C_DT_MS)


def _templates(results, measure, diams_um, g_axon: float, h_m: float) -> list[dict]:
    """Per simulated fibre: velocity (m/s, NaN if blocked) and its extracellular potential (uV)
    on times relative to the passage of its action potential (ms)."""
    from ranvier.analysis.spikes import spike_times

    out = []
    for res, d in zip(results, diams_um):
        q = measure(res)
        if not q["conducted"]:
            out.append({"theta": np.nan, "d": d, "t": None, "phi": None})
            continue
        t = res["time"].values
        v = res["v"].values[1]
        tb = spike_times(t, v, -20.0)[-1]
        trel = t - tb
        out.append({"theta": q["velocity_m_s"], "d": d, "t": trel,
                    "phi": _sfap(trel, v, q["velocity_m_s"], g_axon * d, h_m)})
    return out


def _sfap(t_ms: np.ndarray, v_mV: np.ndarray, theta_m_s: float, d_axon_um: float, h_m: float) -> np.ndarray:
    """The line-source potential (uV) of one travelling action potential V(t) (module docstring)."""
    dt_s = (t_ms[1] - t_ms[0]) * 1e-3
    vpp = np.gradient(np.gradient(v_mV * 1e-3, dt_s), dt_s)  # V/s^2
    u = t_ms * 1e-3
    kern = 1.0 / np.sqrt((theta_m_s * (u[:, None] - u[None, :])) ** 2 + h_m**2)
    da = d_axon_um * 1e-6
    scale = RHO_E_OHM_M / (4 * np.pi) * np.pi * da**2 / (4 * RI_OHM_M) / theta_m_s
    return 1e6 * scale * (kern @ vpp) * dt_s


def _cap(t_ms, diam, theta, tpl_of, distance_m) -> np.ndarray:
    """Sum over fibres of the nearest simulated fibre's potential, scaled by (d / d_simulated)^2
    (the axial current of the line source), delayed by distance / the fibre's own velocity."""
    cap = np.zeros_like(t_ms)
    for d, th, tpl in zip(diam, theta, tpl_of):
        if not np.isfinite(th) or tpl is None:
            continue
        lat = distance_m / th * 1e3
        cap += (d / tpl["d"]) ** 2 * np.interp(t_ms - lat, tpl["t"], tpl["phi"], left=0.0, right=0.0)
    return cap


def _features(t_ms, cap, distance_m) -> dict:
    """Negative peak (uV, positive number), its latency and velocity, onset (10 % of the peak)
    velocity, the width of the negative phase at half the peak (ms), and the duration from the
    first to the last time the potential is beyond 10 % of the negative peak (ms)."""
    neg = -cap
    k = int(np.argmax(neg))
    peak = float(neg[k])
    if peak <= 0:
        return {"peak_uV": 0.0, "peak_latency_ms": None, "peak_velocity_m_s": None, "onset_velocity_m_s": None,
                "half_width_ms": None, "duration_ms": None}
    above = neg >= 0.1 * peak
    onset = int(np.argmax(above))
    half = np.flatnonzero(neg >= 0.5 * peak)
    span = np.flatnonzero(above)
    return {"peak_uV": round(peak, 3), "peak_latency_ms": round(float(t_ms[k]), 4),
            "peak_velocity_m_s": round(distance_m / (t_ms[k] * 1e-3), 2),
            "onset_velocity_m_s": round(distance_m / (t_ms[onset] * 1e-3), 2),
            "half_width_ms": round(float(t_ms[half[-1]] - t_ms[half[0]]), 4),
            "duration_ms": round(float(t_ms[span[-1]] - t_ms[span[0]]), 4)}


def finding(s: dict) -> str:
    n, d = s["normal"]["a_wave"], s["demyelinated"]["a_wave"]
    c = s["normal"]["c_wave"]
    text = (f"A nerve of {s['n_myelinated']} myelinated and {s['n_unmyelinated']} unmyelinated fibres, recorded "
            f"{s['distance_mm']:g} mm from the stimulus and {s['electrode_distance_mm']:g} mm from the nerve: the "
            f"A wave peaks at {n['peak_latency_ms']:.2f} ms ({n['peak_velocity_m_s']:.1f} m/s; onset "
            f"{n['onset_velocity_m_s']:.1f} m/s) with {n['peak_uV']:.3g} uV and a half-width of "
            f"{n['half_width_ms']:.3f} ms")
    if c["peak_velocity_m_s"] is not None:
        text += f"; the C wave follows at {c['peak_latency_ms']:.1f} ms ({c['peak_velocity_m_s']:.2f} m/s, {c['peak_uV']:.3g} uV)"
    text += (f". With {100 * s['affected_fraction']:g} % of the myelinated fibres demyelinated (half keeping "
             f"{100 * s['myelin_left']:g} % of their myelin, half "
             f"{100 * s['simulated_fibres']['milder_myelin_left']:.3g} %), {s['demyelinated']['blocked_fibres']} "
             f"fibres block and ")
    if d["peak_velocity_m_s"] is None:
        return text + "no A wave is left."
    ra, rw, rd = s["amplitude_ratio"], s["half_width_ratio"], s["duration_ratio"]
    text += (f"the A wave peaks at {d['peak_latency_ms']:.2f} ms ({d['peak_velocity_m_s']:.1f} m/s) with "
             f"{d['peak_uV']:.3g} uV, {100 * ra:.0f} % of normal amplitude; its width at half the peak is "
             f"{rw:.2f} times normal, {'longer (temporal dispersion)' if rw > 1 else 'not longer (no temporal dispersion)'}, "
             f"and its duration beyond 10 % of the peak {rd:.2f} times normal.")
    return text


@experiment(
    "compound-action-potential",
    "The compound action potential of a nerve, and demyelination (Guillain-Barre)",
    "What does a whole nerve's response look like at a distance, and how does demyelination disperse and block it?",
    (Param("n_myelinated", 1000, "", 100, 20000, "myelinated fibres in the nerve"),
     Param("n_unmyelinated", 3000, "", 0, 60000, "unmyelinated (C) fibres in the nerve"),
     Param("distance_mm", 100.0, "mm", 20.0, 300.0, "conduction distance from stimulus to electrode"),
     Param("electrode_distance_mm", 2.0, "mm", 0.5, 20.0, "distance of the electrode from the nerve"),
     Param("affected_fraction", 0.6, "", 0.0, 1.0, "fraction of myelinated fibres that are demyelinated"),
     Param("myelin_left", 0.02, "", 0.0, 0.99, "fraction of lamellae left on the affected fibres"),
     Param("seed", 1, "", 0, 2**31 - 1, "seed of the fibre population")),
    finding,
)
def run(n_myelinated, n_unmyelinated, distance_mm, electrode_distance_mm, affected_fraction, myelin_left,
        seed) -> Outcome:
    from ranvier.sweep.batch import run_batched
    from ranvier.sweep.targets import CONDUCTION

    nm, nu = int(round(n_myelinated)), int(round(n_unmyelinated))
    my, un = population(nm, nu, int(seed))
    rng = np.random.default_rng(int(seed) + 1)
    affected = rng.random(nm) < affected_fraction
    grid_m = np.array(GRID_MYELINATED_UM)
    milder = float(np.sqrt(myelin_left))  # lesions vary: half of the affected fibres keep sqrt(myelin_left)
    severe = rng.random(nm) < 0.5
    rows = [{"fiber_diam_um": d, "myelin_fraction": f, "n_nodes": 11.0}
            for f in (1.0, myelin_left, milder) for d in grid_m]
    sims = [CONDUCTION.build(**CONDUCTION.full(r)) for r in rows]
    g = CONDUCTION.full({})["g_ratio"]
    X, h = distance_mm * 1e-3, electrode_distance_mm * 1e-3
    tm = _templates(run_batched(sims), CONDUCTION.measure, [r["fiber_diam_um"] for r in rows], g, h)
    ng = grid_m.size
    tpl_norm, tpl_demy, tpl_mild = tm[:ng], tm[ng:2 * ng], tm[2 * ng:]
    tc = _templates(run_batched([_c_sim(d) for d in GRID_C_UM]), CONDUCTION.measure, GRID_C_UM, 1.0, h) if nu else []

    def theta_of(diams, tpls, grid):
        th = np.array([t["theta"] for t in tpls])
        ok = np.isfinite(th)
        vals = np.interp(diams, grid[ok], th[ok]) if ok.any() else np.full(diams.size, np.nan)
        near = np.abs(diams[:, None] - grid[None, :]).argmin(axis=1)
        vals[~ok[near]] = np.nan  # a fibre whose nearest simulated neighbour blocked, blocks
        return vals, [tpls[i] if ok[i] else None for i in near]

    th_n, tp_n = theta_of(my, tpl_norm, grid_m)
    th_s, tp_s = theta_of(my, tpl_demy, grid_m)
    th_m, tp_m = theta_of(my, tpl_mild, grid_m)
    th_dem = np.where(affected, np.where(severe, th_s, th_m), th_n)
    tp_dem = [(s_ if sv else m_) if a else n_ for a, sv, n_, s_, m_ in zip(affected, severe, tp_n, tp_s, tp_m)]
    t_a = np.arange(0.0, X / 8.0 * 1e3 + 2.0, 0.005)  # velocities down to 8 m/s
    cap_n = _cap(t_a, my, th_n, tp_n, X)
    cap_d = _cap(t_a, my, th_dem, tp_dem, X)
    summary = {"n_myelinated": nm, "n_unmyelinated": nu, "distance_mm": distance_mm,
               "electrode_distance_mm": electrode_distance_mm, "affected_fraction": affected_fraction,
               "myelin_left": myelin_left,
               "simulated_fibres": {"myelinated_diameters_um": list(GRID_MYELINATED_UM),
                                    "velocity_intact_m_s": [round(t["theta"], 3) for t in tpl_norm],
                                    "velocity_demyelinated_m_s": [None if not np.isfinite(t["theta"]) else
                                                                   round(t["theta"], 3) for t in tpl_demy],
                                    "velocity_milder_m_s": [None if not np.isfinite(t["theta"]) else
                                                             round(t["theta"], 3) for t in tpl_mild],
                                    "milder_myelin_left": round(milder, 6),
                                    "c_diameters_um": list(GRID_C_UM) if nu else [],
                                    "c_velocity_m_s": [round(t["theta"], 4) for t in tc]}}
    summary["normal"] = {"a_wave": _features(t_a, cap_n, X)}
    summary["demyelinated"] = {"a_wave": _features(t_a, cap_d, X),
                               "blocked_fibres": int(np.sum(~np.isfinite(th_dem)))}
    cap_c = None
    if nu:
        gc = np.array(GRID_C_UM)
        th_c, tp_c = theta_of(un, tc, gc)
        t_c = np.arange(0.0, X / 0.3 * 1e3, 0.02)
        cap_c = _cap(t_c, un, th_c, tp_c, X)
        late = t_c > X / 3.0 * 1e3  # slower than 3 m/s: after the A wave
        feats = _features(t_c[late], cap_c[late], X)
        summary["normal"]["c_wave"] = feats
    else:
        summary["normal"]["c_wave"] = {"peak_uV": 0.0, "peak_latency_ms": None, "peak_velocity_m_s": None}
    na, da = summary["normal"]["a_wave"], summary["demyelinated"]["a_wave"]
    summary["amplitude_ratio"] = round(da["peak_uV"] / na["peak_uV"], 4) if na["peak_uV"] else None
    summary["half_width_ratio"] = (round(da["half_width_ms"] / na["half_width_ms"], 4)
                                   if da.get("half_width_ms") and na.get("half_width_ms") else None)
    summary["duration_ratio"] = (round(da["duration_ms"] / na["duration_ms"], 4)
                                 if da.get("duration_ms") and na.get("duration_ms") else None)
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10.0, 3.8))
        a1, a2 = fig.subplots(1, 2)
        a1.plot(t_a, cap_n, label="normal")
        a1.plot(t_a, cap_d, label=f"{100 * affected_fraction:g} % of fibres demyelinated")
        a1.set_xlabel("time after the stimulus (ms)")
        a1.set_ylabel("extracellular potential (uV)")
        a1.set_title("A wave (myelinated fibres)", fontsize=9)
        a1.legend(fontsize=7)
        if cap_c is not None:
            a2.plot(t_c, cap_c, color="C2")
            a2.set_title("C wave (unmyelinated fibres)", fontsize=9)
            a2.set_xlabel("time after the stimulus (ms)")
        fig.tight_layout()
        figures.append(("The compound action potential at the electrode, normal and demyelinated", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
