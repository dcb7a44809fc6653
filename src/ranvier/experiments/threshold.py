"""threshold-and-all-or-none: strength-duration curve (rheobase, chronaxie) and the all-or-none spike.

A mammalian point cell (Traub-Miles Na+ and K+ channels of Pospischil et al. 2008 with a
Nernstian ion leak, 37 degC) is given rectangular current pulses. For each duration the
threshold amplitude is found by bisection (many amplitudes are simulated at once as one
batch of cells, so each round narrows the bracket many-fold). The rheobase is the
threshold of the longest pulse; the chronaxie is read as the duration whose threshold is
twice the rheobase (Lapicque 1907), and also fitted with Weiss's linear charge law
Q = I_rh (d + c) (Weiss 1901). Just below and just above the threshold of one pulse the
responses are compared: no spike versus a full-size spike.
"""

from __future__ import annotations

import numpy as np

from ranvier.analysis import spike_times
from ranvier.errors import RanvierError
from ranvier.experiments.base import Outcome, Param, experiment

SOMA_DIAM_UM = 20.0
SPIKE_LEVEL_MV = -20.0


def point_cell(k_out_mM: float = 5.0, temperature_degC: float = 37.0):
    """A 20 um x 20 um mammalian point cell: tm_na, tm_kd and a Nernstian ion leak."""
    import ranvier as rv

    morph = rv.Morphology([rv.Section("soma", SOMA_DIAM_UM, SOMA_DIAM_UM, nseg=1)])
    return rv.Cell(
        morph,
        mechanisms=[rv.tm_na, rv.tm_kd, *rv.ion_leak()],
        concentrations=rv.Concentrations(k_out_mM=k_out_mM),
        temperature_degC=temperature_degC,
    )


def fires(cells, amps_nA, durations_ms, delay_ms: float = 2.0, after_ms: float = 15.0) -> np.ndarray:
    """For each (cell, amplitude, duration) triple: does one pulse evoke a spike? One batch run."""
    import ranvier as rv

    n = len(cells)
    stim = [rv.CurrentClamp.step(rv.Site("soma", 0.5, cell=k), float(a), delay_ms, float(d))
            for k, (a, d) in enumerate(zip(amps_nA, durations_ms))]
    probes = [rv.Probe(rv.Site("soma", 0.5, cell=k), ("v",)) for k in range(n)]
    tstop = delay_ms + float(np.max(durations_ms)) + after_ms
    res = rv.Simulation(list(cells), stimuli=stim, probes=probes, tstop_ms=tstop, dt_ms=0.025,
                        record_dt_ms=0.05).run()
    t = res.time.values
    v = res.v.values
    return np.array([spike_times(t, v[k], SPIKE_LEVEL_MV).size > 0 for k in range(n)])


def thresholds_nA(cells, durations_ms, lo_nA: float = 1e-3, hi_nA: float = 20.0, per_round: int = 12,
                  rounds: int = 4) -> np.ndarray:
    """Threshold pulse amplitude (nA) for each (cell, duration) pair, by batched bisection.

    The first round tries amplitudes spaced geometrically between ``lo_nA`` and ``hi_nA``;
    each later round spaces ``per_round`` amplitudes evenly inside the bracket left by the
    one before. Returns the midpoint of the final bracket (relative width about
    ``(per_round + 1) ** -(rounds - 1)`` of the first bracket's). NaN where even ``hi_nA`` fails.
    """
    cells = list(cells)
    durs = np.asarray(durations_ms, float)
    m = len(cells)
    lo = np.full(m, np.nan)
    hi = np.full(m, np.nan)
    grid = np.geomspace(lo_nA, hi_nA, per_round)
    for r in range(rounds):
        amps = []
        for j in range(m):
            if r == 0:
                amps.append(grid)
            elif np.isnan(hi[j]):
                amps.append(np.full(per_round, hi_nA))
            else:
                amps.append(np.linspace(lo[j], hi[j], per_round + 2)[1:-1])
        amps = np.array(amps)
        ok = fires([c for c in cells for _ in range(per_round)], amps.ravel(),
                   np.repeat(durs, per_round)).reshape(m, per_round)
        for j in range(m):
            first = np.flatnonzero(ok[j])
            if r == 0:
                if first.size == 0:
                    continue
                i = first[0]
                hi[j] = amps[j, i]
                lo[j] = amps[j, i - 1] if i > 0 else 0.0
            elif not np.isnan(hi[j]):
                if first.size == 0:
                    lo[j] = amps[j, -1]
                else:
                    i = first[0]
                    hi[j] = amps[j, i]
                    if i > 0:
                        lo[j] = amps[j, i - 1]
    return 0.5 * (lo + hi)


def finding(s: dict) -> str:
    rh, ch, chw = s["rheobase_nA"], s["chronaxie_ms"], s["chronaxie_weiss_ms"]
    d = s["durations_ms"]
    thr = s["thresholds_nA"]
    falls = all(b <= a for a, b in zip(thr, thr[1:]))
    shape = ("falls steadily as the pulse lengthens" if falls
             else "does not fall steadily with pulse duration")
    below, above = s["peak_below_mV"], s["peak_above_mV"]
    gap = above - below
    aon = (f"all-or-none: the pulse {s['step_percent']:.2f}% below threshold peaks at {below:.1f} mV "
           f"(no spike), the pulse {s['step_percent']:.2f}% above it at {above:.1f} mV (a full spike), "
           f"{gap:.1f} mV apart for a {2 * s['step_percent']:.2f}% change in current"
           if s["spike_above"] and not s["spike_below"] and gap > 50.0 else
           f"not all-or-none at this resolution: {s['step_percent']:.2f}% below and above threshold the "
           f"peaks are {below:.1f} and {above:.1f} mV, only {gap:.1f} mV apart")
    return (
        f"The threshold current {shape}: from {thr[0]:.3g} nA for a {d[0]:g} ms pulse to {thr[-1]:.3g} nA for "
        f"{d[-1]:g} ms. The rheobase (threshold of the longest pulse) is {rh:.3g} nA "
        f"({s['rheobase_uA_cm2']:.3g} uA/cm2); twice the rheobase is reached at a chronaxie of {ch:.3g} ms "
        f"(Lapicque), and Weiss's linear charge law fits a chronaxie of {chw:.3g} ms with a rheobase of "
        f"{s['rheobase_weiss_nA']:.3g} nA. The threshold charge {'grows' if s['charge_rises'] else 'shrinks'} "
        f"from {s['charges_pC'][0]:.3g} pC for the shortest pulse to {s['charges_pC'][-1]:.3g} pC for the longest "
        f"(smallest {s['min_charge_pC']:.3g} pC): short pulses use charge most efficiently. The response is {aon}."
    )


@experiment(
    "threshold-and-all-or-none",
    "Threshold: strength-duration curve and the all-or-none spike",
    "How much current, for how long, does it take to fire a neuron, and is the spike all-or-none?",
    (Param("temperature_degC", 37.0, "degC", 20.0, 42.0, "temperature"),
     Param("shortest_ms", 0.05, "ms", 0.025, 1.0, "shortest pulse of the strength-duration curve"),
     Param("longest_ms", 100.0, "ms", 10.0, 200.0, "longest pulse (its threshold is taken as the rheobase)"),
     Param("all_or_none_pulse_ms", 1.0, "ms", 0.1, 10.0, "pulse used for the all-or-none test"),
     Param("step_percent", 0.5, "%", 0.01, 5.0, "amplitudes this far below and above threshold are compared")),
    finding,
)
def run(temperature_degC: float, shortest_ms: float, longest_ms: float, all_or_none_pulse_ms: float,
        step_percent: float) -> Outcome:
    import ranvier as rv

    if shortest_ms >= longest_ms / 4:
        raise RanvierError(f"shortest_ms ({shortest_ms:g} ms) must be below longest_ms / 4 ({longest_ms / 4:g} ms)")
    cell = point_cell(temperature_degC=temperature_degC)
    durs = np.geomspace(shortest_ms, longest_ms, 10)
    durs = np.round(durs, 4)
    thr = thresholds_nA([cell] * len(durs), durs)
    if np.any(np.isnan(thr)):
        raise RanvierError("no spike for some pulse durations even at 20 nA")
    area_cm2 = np.pi * SOMA_DIAM_UM * SOMA_DIAM_UM * 1e-8
    rheobase = float(thr[-1])
    # chronaxie: duration where threshold = 2 x rheobase, interpolated on log-log axes
    lt, ld = np.log(thr), np.log(durs)
    target = np.log(2 * rheobase)
    idx = np.flatnonzero((lt[:-1] >= target) & (lt[1:] < target))
    if idx.size:
        i = idx[-1]
        f = (lt[i] - target) / (lt[i] - lt[i + 1])
        chronaxie = float(np.exp(ld[i] + f * (ld[i + 1] - ld[i])))
    else:
        chronaxie = float("nan")
    # Weiss: Q = I_rh * (d + c); fit on pulses no longer than the chronaxie (at least the 4 shortest),
    # where the charge is nearly linear in duration
    q = thr * durs  # nA*ms = pC
    sel = durs <= max(chronaxie, durs[3]) if np.isfinite(chronaxie) else slice(None)
    slope, intercept = np.polyfit(durs[sel], q[sel], 1)
    # all-or-none: just below and above the threshold of one pulse duration
    d0 = all_or_none_pulse_ms
    th0 = float(thresholds_nA([cell], [d0], rounds=5)[0])
    frac = step_percent / 100.0
    amps = [th0 * (1 - frac), th0 * (1 + frac)]
    delay, tstop = 2.0, 2.0 + d0 + 20.0
    stim = [rv.CurrentClamp.step(rv.Site("soma", 0.5, cell=k), a, delay, d0) for k, a in enumerate(amps)]
    res = rv.Simulation([cell, cell], stimuli=stim,
                        probes=[rv.Probe(rv.Site("soma", 0.5, cell=k), ("v",)) for k in range(2)],
                        tstop_ms=tstop, dt_ms=0.025).run()
    t, v = res.time.values, res.v.values
    after = t >= delay
    peaks = [float(v[k][after].max()) for k in range(2)]
    spikes = [spike_times(t, v[k], SPIKE_LEVEL_MV).size > 0 for k in range(2)]
    summary = {
        "durations_ms": [float(x) for x in durs],
        "thresholds_nA": [round(float(x), 5) for x in thr],
        "charges_pC": [round(float(x), 5) for x in q],
        "charge_rises": bool(q[-1] > q[0]),
        "min_charge_pC": round(float(q.min()), 5),
        "rheobase_nA": round(rheobase, 5),
        "rheobase_uA_cm2": round(rheobase * 1e-3 / area_cm2, 3),
        "chronaxie_ms": round(chronaxie, 4),
        "rheobase_weiss_nA": round(float(slope), 5),
        "chronaxie_weiss_ms": round(float(intercept / slope), 4),
        "all_or_none_pulse_ms": d0,
        "threshold_at_pulse_nA": round(th0, 6),
        "step_percent": step_percent,
        "peak_below_mV": round(peaks[0], 2),
        "peak_above_mV": round(peaks[1], 2),
        "spike_below": bool(spikes[0]),
        "spike_above": bool(spikes[1]),
    }
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10.0, 4.0), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2)
        ax1.loglog(durs, thr, "o-", label="threshold")
        ax1.axhline(rheobase, ls="--", c="gray", label="rheobase")
        ax1.axhline(2 * rheobase, ls=":", c="gray", label="2 x rheobase")
        if np.isfinite(chronaxie):
            ax1.axvline(chronaxie, ls=":", c="k", label=f"chronaxie {chronaxie:.2g} ms")
        ax1.set_xlabel("pulse duration (ms)")
        ax1.set_ylabel("threshold current (nA)")
        ax1.legend(fontsize=8)
        for k, lab in enumerate((f"-{step_percent:g}%", f"+{step_percent:g}%")):
            ax2.plot(t, v[k], label=f"threshold {lab}")
        ax2.set_xlabel("time (ms)")
        ax2.set_ylabel("membrane potential (mV)")
        ax2.legend(fontsize=8)
        figures.append(("Strength-duration curve (left) and the all-or-none response near threshold (right)", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
