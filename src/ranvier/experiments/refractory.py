"""refractory-periods: paired pulses on a Hodgkin-Huxley point cell; absolute and relative refractory periods.

A conditioning pulse fires a spike; a test pulse follows after an interval, and its threshold
is found by bisection (many trial cells integrated in one compiled run per bisection round).
Within the absolute refractory period no test pulse up to ``max_ratio`` times the resting
threshold fires a second spike; within the relative refractory period a second spike needs
more current than at rest. The gates recorded at the moment of the test pulse say why:
Na+ inactivation (1 - h) and K+ activation (n) are still high after the first spike
(Hodgkin & Huxley 1952, J Physiol 117:500, doi:10.1113/jphysiol.1952.sp004764).
"""

from __future__ import annotations

import numpy as np

import ranvier as rv
from ranvier.analysis import spike_times
from ranvier.experiments.base import Outcome, Param, experiment

_DELAY_MS = 2.0
_SPIKE_MV = 0.0  # a second spike must overshoot 0 mV: a strong pulse alone charges the membrane well below it
_RECOVERED = 1.05  # the relative refractory period ends when the test threshold is within 5 % of rest
# intervals at 6.3 degC; at other temperatures they are scaled by the HH rates' Q10 of 3
_INTERVALS_MS = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 9.0, 10.0, 11.0, 12.0,
                 14.0, 16.0, 18.0, 20.0, 25.0, 30.0, 40.0)


def _cell(temperature_degC: float) -> rv.Cell:
    return rv.Cell(rv.Morphology([rv.Section("soma", 20.0, 20.0, nseg=1)]),
                   mechanisms=[rv.hh_na, rv.hh_k, rv.hh_leak],
                   concentrations=rv.Concentrations.squid(), temperature_degC=temperature_degC)


def _trials(temperature_degC, pulse_ms, amp1, intervals, amps2, tstop_ms):
    """One run of len(amps2) independent cells: conditioning pulse ``amp1`` (none if 0) then a test pulse
    ``amps2[k]`` after ``intervals[k]`` ms (onset to onset). Returns the result."""
    cells, stims, probes = [], [], []
    for k, (iv, a2) in enumerate(zip(intervals, amps2)):
        cells.append(_cell(temperature_degC))
        site = rv.Site("soma", 0.5, cell=k)
        if amp1 > 0:
            w = rv.Waveform((0.0, _DELAY_MS, _DELAY_MS + pulse_ms, _DELAY_MS + iv, _DELAY_MS + iv + pulse_ms),
                            (0.0, amp1, 0.0, float(a2), 0.0))
        else:
            w = rv.Waveform.step(float(a2), _DELAY_MS, pulse_ms)
        stims.append(rv.CurrentClamp(site, w))
        probes.append(rv.Probe(site, ("v", "hh_na_h", "hh_k_n")))
    return rv.Simulation(cells, stims, probes=probes, tstop_ms=tstop_ms, dt_ms=0.025).run()


def _fires(res, k: int, need: int) -> bool:
    """Whether cell ``k`` fired ``need`` spikes (overshooting 0 mV) after the first pulse began."""
    st = spike_times(res.time.values, res.v.isel(site=k).values, threshold_mV=_SPIKE_MV)
    return int(np.count_nonzero(st >= _DELAY_MS)) >= need


def _thresholds(temperature_degC, pulse_ms, amp1, intervals, lo, hi, rounds=4, per_round=7):
    """Test-pulse threshold (nA) at each interval by parallel bisection in log amplitude; inf if none
    fires at ``hi``. Also returns the run at ``hi`` (its gates at the test pulse do not depend on it)."""
    intervals = np.asarray(intervals, float)
    tstop = round(_DELAY_MS + float(intervals.max()) + pulse_ms + 12.0)
    top = _trials(temperature_degC, pulse_ms, amp1, intervals, np.full(intervals.size, hi), tstop)
    need = 2 if amp1 > 0 else 1
    ok = np.array([_fires(top, k, need) for k in range(intervals.size)])
    lo_a = np.full(intervals.size, np.log(lo))
    hi_a = np.full(intervals.size, np.log(hi))
    idx = np.flatnonzero(ok)
    for _ in range(rounds):
        if idx.size == 0:
            break
        fr = np.arange(1, per_round + 1) / (per_round + 1)
        grid = lo_a[idx, None] + fr[None, :] * (hi_a[idx] - lo_a[idx])[:, None]
        ivs = np.repeat(intervals[idx], per_round)
        res = _trials(temperature_degC, pulse_ms, amp1, ivs, np.exp(grid.ravel()), tstop)
        f = np.array([_fires(res, k, need) for k in range(ivs.size)]).reshape(idx.size, per_round)
        for j, i in enumerate(idx):
            first = np.flatnonzero(f[j])
            # firing is monotonic in amplitude: the threshold lies between the last miss and the first hit
            new_hi = grid[j, first[0]] if first.size else hi_a[i]
            below = grid[j, : first[0]] if first.size else grid[j]
            new_lo = below[-1] if below.size else lo_a[i]
            lo_a[i], hi_a[i] = new_lo, new_hi
    thr = np.where(ok, np.exp(hi_a), np.inf)
    return thr, top


def finding(s: dict) -> str:
    arp, rrp = s["absolute_refractory_ms"], s["relative_refractory_ms"]
    t = s["temperature_degC"]
    txt = f"At {t:g} degC a {s['pulse_ms']:g} ms pulse fires the Hodgkin-Huxley cell at {s['threshold_nA']:.3f} nA. "
    if s["threshold_ratio_first_rel"] is None:
        return txt + (f"After a first spike, no second pulse up to {s['max_ratio']:g} times that current fired again "
                      f"at any interval tested, up to {arp:.1f} ms: the absolute refractory period is at least that.")
    if arp == 0.0:
        txt += (f"A second pulse of at most {s['max_ratio']:g} times that current fired again at every interval "
                f"tested: no absolute refractory period was resolved; ")
    else:
        txt += (f"After a first spike, no second pulse up to {s['max_ratio']:g} times that current fires again for "
                f"{arp:.1f} ms (the absolute refractory period); ")
    first = s["threshold_ratio_first_rel"]
    if first <= _RECOVERED:
        txt += (f"after that a second spike fires at once for about the resting current ({first:.2f} times the "
                f"resting threshold): no relative refractory period was resolved. ")
    else:
        if rrp is not None:
            txt += (f"after that a second spike needs more current than at rest until {rrp:.1f} ms "
                    f"(the relative refractory period, threshold within {100 * (_RECOVERED - 1):.0f} % of rest), ")
        else:
            txt += "a second spike still needs more current than at rest at the longest interval tested, "
        txt += f"{first:.2f} times the resting threshold just after the absolute period. "
    if s.get("supernormal_ratio") is not None and s["supernormal_ratio"] < 0.95:
        ivs = s["intervals_ms"]
        k = ivs.index(s["supernormal_interval_ms"]) if s["supernormal_interval_ms"] in ivs else None
        under = (k is not None and s["n_at_test"][k] < s["n_at_rest"]
                 and s["inactivation_at_test"][k] < s["inactivation_at_rest"])
        txt += (f"Later the threshold dips below rest, to {s['supernormal_ratio']:.2f} times at "
                f"{s['supernormal_interval_ms']:.1f} ms (a supernormal phase"
                + (", with K+ activation and Na+ inactivation both below their resting values then). " if under
                   else "). "))
    if arp == 0.0:
        return txt
    ia, ir = s["inactivation_at_absolute"], s["inactivation_at_rest"]
    na, nr = s["n_at_absolute"], s["n_at_rest"]
    gates = (f"at the last interval inside the absolute period {100 * ia:.0f} % of the Na+ channels are inactivated "
             f"(1 - h) against {100 * ir:.0f} % at rest, and the K+ activation n is {na:.2f} against {nr:.2f}")
    na_up, k_up = ia - ir > 0.05, na - nr > 0.02
    if na_up or k_up:
        why = []
        if na_up:
            why.append("fewer Na+ channels are available to open")
        if k_up:
            why.append("more K+ channels are still open to oppose the upstroke")
        txt += (f"The gates say why: {gates}; " + " and ".join(why)
                + ", so the Na+ current cannot outrun the K+ current.")
    else:
        txt += (f"The gates are close to rest there ({gates}), so this absolute period is set by the largest pulse "
                f"tried ({s['max_ratio']:g} times threshold) rather than by the gates.")
    return txt


@experiment(
    "refractory-periods",
    "Absolute and relative refractory periods",
    "How soon after a spike can a neuron fire again, how much current does it need, and why?",
    (Param("temperature_degC", 6.3, "degC", 0.0, 20.0, "temperature (the HH rates are for 6.3 degC, Q10 3)"),
     Param("pulse_ms", 0.5, "ms", 0.1, 2.0, "duration of each current pulse"),
     Param("max_ratio", 10.0, "", 2.0, 12.0, "the largest test pulse tried, as a multiple of the resting threshold")),
    finding,
)
def run(temperature_degC: float, pulse_ms: float, max_ratio: float) -> Outcome:
    # resting threshold of a single pulse
    thr1, _ = _thresholds(temperature_degC, pulse_ms, 0.0, [0.0], 1e-3, 20.0, rounds=5)
    thr1 = float(thr1[0])
    amp1 = 2.0 * thr1  # a conditioning pulse that fires reliably
    scale = 3.0 ** ((6.3 - temperature_degC) / 10.0)
    intervals = np.array([round(iv * scale / 0.025) * 0.025 for iv in _INTERVALS_MS if iv * scale > pulse_ms + 0.1])
    thr2, top = _thresholds(temperature_degC, pulse_ms, amp1, intervals, 0.3 * thr1, max_ratio * thr1)
    ratio = thr2 / thr1
    t = top.time.values
    k2 = np.searchsorted(t, _DELAY_MS + intervals - 1e-9)
    h = np.array([top.hh_na_h.isel(site=k).values[k2[k]] for k in range(intervals.size)])
    n = np.array([top.hh_k_n.isel(site=k).values[k2[k]] for k in range(intervals.size)])
    h_rest = float(top.hh_na_h.isel(site=0).values[0])
    n_rest = float(top.hh_k_n.isel(site=0).values[0])
    absolute = ~np.isfinite(ratio)
    # the absolute period ends between the last interval where nothing fires and the next one
    last_abs = int(np.flatnonzero(absolute)[-1]) if absolute.any() else -1
    if last_abs == intervals.size - 1:  # never recovered within the intervals tested: a lower bound
        arp = float(intervals[-1])
    elif last_abs >= 0:
        arp = float(0.5 * (intervals[last_abs] + intervals[last_abs + 1]))
    else:  # fired again even at the shortest interval
        arp = 0.0
    rec = np.flatnonzero((np.arange(intervals.size) > last_abs) & (ratio <= _RECOVERED))
    rrp = float(intervals[rec[0]]) if rec.size else float("inf")
    k_abs = max(last_abs, 0)
    after = np.flatnonzero((np.arange(intervals.size) > last_abs) & np.isfinite(ratio))
    k_min = int(after[np.argmin(ratio[after])]) if after.size else None
    summary = {
        "temperature_degC": temperature_degC,
        "pulse_ms": pulse_ms,
        "max_ratio": max_ratio,
        "threshold_nA": round(thr1, 5),
        "intervals_ms": [round(float(x), 3) for x in intervals],
        "threshold_ratio": [None if not np.isfinite(r) else round(float(r), 4) for r in ratio],
        "absolute_refractory_ms": round(arp, 3),
        "relative_refractory_ms": round(rrp, 3) if np.isfinite(rrp) else None,  # None: not recovered
        "threshold_ratio_first_rel": round(float(ratio[last_abs + 1]), 4) if last_abs + 1 < ratio.size else None,
        "supernormal_ratio": round(float(ratio[k_min]), 4) if k_min is not None else None,  # lowest ratio after
        "supernormal_interval_ms": round(float(intervals[k_min]), 3) if k_min is not None else None,
        "inactivation_at_test": [round(float(1 - x), 4) for x in h],
        "n_at_test": [round(float(x), 4) for x in n],
        "inactivation_at_absolute": round(float(1 - h[k_abs]), 4),
        "n_at_absolute": round(float(n[k_abs]), 4),
        "inactivation_at_rest": round(1 - h_rest, 4),
        "n_at_rest": round(n_rest, 4),
    }
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 6.0))
        ax1, ax2 = fig.subplots(2, 1, sharex=True)
        fin = np.isfinite(ratio)
        ax1.semilogy(intervals[fin], ratio[fin], "o-", label="threshold of the second pulse / resting threshold")
        ax1.axhline(max_ratio, color="gray", ls=":", label=f"largest pulse tried ({max_ratio:g}x)")
        ax1.axvspan(0, arp, color="red", alpha=0.15, label="absolute refractory period")
        if np.isfinite(rrp):
            ax1.axvspan(arp, rrp, color="orange", alpha=0.15, label="relative refractory period")
        ax1.set_ylabel("threshold ratio")
        ax1.legend(fontsize=8)
        ax2.plot(intervals, 1 - h, "o-", label="Na+ inactivation 1 - h")
        ax2.plot(intervals, n, "s-", label="K+ activation n")
        ax2.axhline(1 - h_rest, color="C0", ls=":")
        ax2.axhline(n_rest, color="C1", ls=":")
        ax2.set_xlabel("interval between pulse onsets (ms)")
        ax2.set_ylabel("gate at the second pulse")
        ax2.legend(fontsize=8)
        figures.append(("Threshold of a second pulse against the interval, with the gates at its onset", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
