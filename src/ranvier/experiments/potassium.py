"""hyperkalaemia and hypokalaemia: external K+ sets the resting potential, Na+ inactivation and threshold.

The cell is the seed neuron's soma as a point cell at 37 degC (:func:`ranvier.seed.seed_point_cell`:
mammalian Nav1.2 with fast and slow inactivation, Kv3, a delayed rectifier, Kv7/M, NaP, Ih, Kir and a
Nernstian leak), bathed in external K+ from low to high. At each level the resting potential, the
fraction of Na+ channels available at rest (h s of Nav1.2) and the K+ activation n of the delayed
rectifier are read from the resting state; the threshold current of a short pulse is found by batched
bisection; and a fixed test pulse (a margin above the threshold at the reference 4 mM) is applied to
see whether the cell still fires. Until 2026-12 this experiment used Traub-Miles Na+ channels, whose
inactivation midpoint (-35 mV) left 99 % of them available at 10 mM K+ (physiology review 2026-12-01).
"""

from __future__ import annotations

import numpy as np

from ranvier.analysis import spike_times
from ranvier.errors import RanvierError, SimulationError
from ranvier.experiments.base import Outcome, Param, experiment
from ranvier.experiments.threshold import thresholds_nA

REFERENCE_K_MM = 4.0
TEST_MARGIN = 1.2  # the test pulse is this multiple of the threshold at the reference K+
N_LEVELS = 5
DELAY_MS = 2.0


def _rest_states(levels):
    """Resting potential (mV), available Na+ fraction (h s) and delayed-rectifier n at rest per external K+ level."""
    import ranvier as rv
    from ranvier.seed import seed_point_cell

    cells = [seed_point_cell(k_out_mM=float(k)) for k in levels]
    try:
        res = rv.Simulation(cells, probes=[rv.Probe(rv.Site("soma", 0.5, cell=j), ("v", "nav12_h", "nav12_s", "tm_kd_n"))
                                           for j in range(len(cells))], tstop_ms=0.5).run()
    except SimulationError as e:
        raise RanvierError(f"the cell has no stable resting state at one of the K+ levels {list(levels)}: {e}") from e
    avail = res.nav12_h.values[:, 0] * res.nav12_s.values[:, 0]
    return cells, res.v_rest_mV.values.ravel(), avail, res.tm_kd_n.values[:, 0]


def _test_pulse(cells, amp_nA: float, pulse_ms: float):
    """Peak (mV), depolarisation from rest (mV) and whether a spike crosses 0 mV, per cell."""
    import ranvier as rv

    n = len(cells)
    res = rv.Simulation(list(cells), stimuli=[rv.CurrentClamp.step(rv.Site("soma", 0.5, cell=j), amp_nA, DELAY_MS, pulse_ms)
                                              for j in range(n)],
                        probes=[rv.Probe(rv.Site("soma", 0.5, cell=j), ("v",)) for j in range(n)],
                        tstop_ms=DELAY_MS + pulse_ms + 20.0, dt_ms=0.025).run()
    t, v = res.time.values, res.v.values
    rest = res.v_rest_mV.values.ravel()
    peaks = v[:, t >= DELAY_MS].max(axis=1)
    fired = [spike_times(t, v[j], 0.0).size > 0 for j in range(n)]
    return t, v, peaks, peaks - rest, fired


def _sweep(k_end_mM: float, pulse_ms: float, severe_k_mM: float | None):
    levels = np.round(np.linspace(REFERENCE_K_MM, k_end_mM, N_LEVELS), 4)
    cells, rest, h, n = _rest_states(levels)
    thr = thresholds_nA(cells, [pulse_ms] * len(cells), rounds=4)
    if np.any(np.isnan(thr)):
        raise RanvierError("no spike even at 20 nA at some K+ level")
    amp = TEST_MARGIN * float(thr[0])
    test_cells = list(cells)
    if severe_k_mM is not None:
        sev_cells, sev_rest, sev_h, sev_n = _rest_states([severe_k_mM])
        test_cells += sev_cells
    t, v, peaks, depol, fired = _test_pulse(test_cells, amp, pulse_ms)
    s = {
        "k_out_mM": [float(x) for x in levels],
        "v_rest_mV": [round(float(x), 3) for x in rest],
        "na_available": [round(float(x), 5) for x in h],
        "e_k_mV": [round(c.reversal_potentials_mV()["k"], 3) for c in cells],
        "tm_kd_n": [round(float(x), 5) for x in n],
        "threshold_nA": [round(float(x), 5) for x in thr],
        "pulse_ms": pulse_ms,
        "rest_change_mV": round(float(rest[-1] - rest[0]), 3),
        "rest_monotonic": bool(np.all(np.diff(rest) > 0) if k_end_mM > REFERENCE_K_MM else np.all(np.diff(rest) < 0)),
        "h_change": round(float(h[-1] - h[0]), 5),
        "threshold_shift_percent": round(float(100.0 * (thr[-1] / thr[0] - 1.0)), 2),
        "test_pulse_nA": round(amp, 5),
        "test_fires": [bool(x) for x in fired[: len(levels)]],
        "test_peak_mV": [round(float(x), 2) for x in peaks[: len(levels)]],
    }
    if severe_k_mM is not None:
        s.update({
            "severe_k_mM": float(severe_k_mM),
            "severe_v_rest_mV": round(float(sev_rest[0]), 3),
            "severe_na_available": round(float(sev_h[0]), 5),
            "severe_e_k_mV": round(sev_cells[0].reversal_potentials_mV()["k"], 3),
            "severe_peak_mV": round(float(peaks[-1]), 2),
            "severe_depolarisation_mV": round(float(depol[-1]), 2),
            "severe_fires": bool(fired[-1]),
        })
    return s, t, v, levels


def _figure(s, t, v, levels, title):
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover
        return []
    fig = Figure(figsize=(12.0, 4.0), layout="constrained")
    a1, a2, a3 = fig.subplots(1, 3)
    a1.plot(levels, s["v_rest_mV"], "o-")
    a1.set_xlabel("external K+ (mM)")
    a1.set_ylabel("resting potential (mV)")
    a2.plot(levels, s["threshold_nA"], "o-", label="threshold current")
    a2.set_xlabel("external K+ (mM)")
    a2.set_ylabel(f"threshold of a {s['pulse_ms']:g} ms pulse (nA)")
    a2b = a2.twinx()
    a2b.plot(levels, s["na_available"], "s--", c="C1")
    a2b.set_ylabel("Na+ channels available at rest (h s)", color="C1")
    for j in range(v.shape[0]):
        lab = f"{levels[j]:g} mM" if j < len(levels) else f"{s['severe_k_mM']:g} mM"
        a3.plot(t, v[j], label=lab)
    a3.set_xlabel("time (ms)")
    a3.set_ylabel("membrane potential (mV)")
    a3.legend(fontsize=7)
    return [(title, fig)]


def _excitability(s: dict) -> str:
    shift = s["threshold_shift_percent"]
    thr = s["threshold_nA"]
    word = "falls" if shift < 0 else "rises"
    more = "more" if shift < 0 else "less"
    return (f"the threshold current of a {s['pulse_ms']:g} ms pulse {word} by {abs(shift):.1f}% "
            f"(from {thr[0]:.3g} to {thr[-1]:.3g} nA): the cell is {more} excitable")


def _rest(s: dict) -> str:
    k, r = s["k_out_mM"], s["v_rest_mV"]
    direction = "depolarises" if r[-1] > r[0] else "hyperpolarises"
    mono = "step by step" if s["rest_monotonic"] else "though not monotonically"
    return (f"Changing external K+ from {k[0]:g} to {k[-1]:g} mM {direction} the resting potential from "
            f"{r[0]:.1f} to {r[-1]:.1f} mV ({s['rest_change_mV']:+.1f} mV, {mono})")


def finding_hyper(s: dict) -> str:
    h = s["na_available"]
    fires_high = s["test_fires"][-1]
    text = (
        f"{_rest(s)}. At rest the fraction of Na+ channels available (h s) {'falls' if h[-1] < h[0] else 'rises'} "
        f"from {h[0]:.3f} to {h[-1]:.3f}, "
        f"so {'almost all' if h[-1] > 0.95 else 'only a fraction'} of them can open, and "
        f"{_excitability(s)}. A test pulse of {s['test_pulse_nA']:.3g} nA, {TEST_MARGIN:g} times the threshold at "
        f"{s['k_out_mM'][0]:g} mM, {'still fires' if fires_high else 'fails to fire'} the cell at "
        f"{s['k_out_mM'][-1]:g} mM (peak {s['test_peak_mV'][-1]:.1f} mV)."
    )
    if "severe_k_mM" in s:
        blocked = not s["severe_fires"]
        text += (
            f" At {s['severe_k_mM']:g} mM the cell rests at {s['severe_v_rest_mV']:.1f} mV (E_K {s['severe_e_k_mV']:.1f} mV) "
            f"with {100 * s['severe_na_available']:.1f}% of the Na+ channels available, and the "
            f"same pulse {'fails to fire it' if blocked else 'still fires it'} (peak {s['severe_peak_mV']:.1f} mV, "
            f"{s['severe_depolarisation_mV']:.1f} mV above rest)"
            + (": depolarisation block through Na+ inactivation." if blocked else ".")
        )
    return text


def finding_hypo(s: dict) -> str:
    fires_low = s["test_fires"][-1]
    return (
        f"{_rest(s)}{', away from threshold' if s['v_rest_mV'][-1] < s['v_rest_mV'][0] else ''}; {_excitability(s)}. A test pulse of {s['test_pulse_nA']:.3g} nA, "
        f"{TEST_MARGIN:g} times the threshold at {s['k_out_mM'][0]:g} mM, "
        f"{'still fires' if fires_low else 'fails to fire'} the cell at {s['k_out_mM'][-1]:g} mM "
        f"(peak {s['test_peak_mV'][-1]:.1f} mV). Na+ inactivation at rest is negligible throughout "
        f"(h s {s['na_available'][0]:.3f} to {s['na_available'][-1]:.3f})."
        if min(s["na_available"]) > 0.95 else
        f"{_rest(s)}; {_excitability(s)}. A test pulse of {s['test_pulse_nA']:.3g} nA "
        f"{'still fires' if fires_low else 'fails to fire'} the cell at {s['k_out_mM'][-1]:g} mM; the available Na+ "
        f"fraction at rest goes from {s['na_available'][0]:.3f} to {s['na_available'][-1]:.3f}."
    )


@experiment(
    "hyperkalaemia",
    "Hyperkalaemia: high external K+ depolarises rest and, when severe, blocks firing",
    "What does raised external K+ do to the resting potential, Na+ channel availability and excitability?",
    (Param("k_high_mM", 10.0, "mM", 5.0, 15.0, "highest K+ of the sweep from 4 mM"),
     Param("severe_k_mM", 20.0, "mM", 18.0, 40.0, "a severe level, where the cell rests depolarised"),
     Param("pulse_ms", 1.0, "ms", 0.1, 5.0, "duration of the threshold and test pulses")),
    finding_hyper,
)
def run_hyper(k_high_mM: float, severe_k_mM: float, pulse_ms: float) -> Outcome:
    s, t, v, levels = _sweep(k_high_mM, pulse_ms, severe_k_mM)
    return Outcome(s, _figure(s, t, v, levels, "Hyperkalaemia: rest, threshold, Na+ availability and the test pulse"))


@experiment(
    "hypokalaemia",
    "Hypokalaemia: low external K+ hyperpolarises rest and raises the threshold",
    "What does lowered external K+ do to the resting potential and the current needed to fire?",
    (Param("k_low_mM", 2.0, "mM", 1.0, 3.5, "lowest K+ of the sweep from 4 mM"),
     Param("pulse_ms", 1.0, "ms", 0.1, 5.0, "duration of the threshold and test pulses")),
    finding_hypo,
)
def run_hypo(k_low_mM: float, pulse_ms: float) -> Outcome:
    s, t, v, levels = _sweep(k_low_mM, pulse_ms, None)
    return Outcome(s, _figure(s, t, v, levels, "Hypokalaemia: rest, threshold and the test pulse"))
