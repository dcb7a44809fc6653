"""The seed soma's membrane as a point cell at 37 degC: hyperkalaemia and refractoriness (issue 13).

``ranvier.seed.seed_point_cell`` carries the seed neuron's somatic channels (Nav1.2 with slow
inactivation, Kv3, a delayed rectifier, Kv7/M, NaP, Ih, Kir, Nernstian leak). These tests check the
bars of issue 13 that a single mammalian cell can answer; the named experiments
(``ranvier experiment hyperkalaemia``, ``refractory-periods``) still run on their older cells
(Traub-Miles at 37 degC, Hodgkin-Huxley at 6.3 degC) until they are re-based on this one.
"""

from __future__ import annotations

import numpy as np
import pytest

import ranvier as rv
from ranvier.analysis import spike_times
from ranvier.seed import seed_point_cell

KRISHNAN = ("Krishnan AV et al. (2005) Brain 128:2164 (human axons depolarised and less "
            "excitable in hyperkalaemia); physiology review 2026-12-01 item 1")
K_LEVELS_MM = (4.0, 8.0, 12.0, 20.0)


def _check(value, lo, hi, what, source):
    assert lo <= value <= hi, f"{what}: measured {value:.4g}, band [{lo:g}, {hi:g}] ({source})"


@pytest.fixture(scope="module")
def hyperkalaemia():
    cells = [seed_point_cell(k_out_mM=k) for k in K_LEVELS_MM]
    n = len(cells)
    # a fixed 1-nA, 1-ms pulse (well above threshold at 4 mM) in every cell; gates recorded at rest (t = 0)
    stim = [rv.CurrentClamp.step(rv.Site("soma", 0.5, cell=j), 1.0, 2.0, 1.0) for j in range(n)]
    probes = [rv.Probe(rv.Site("soma", 0.5, cell=j), ("v", "nav12_h", "nav12_s")) for j in range(n)]
    res = rv.Simulation(cells, stim, probes=probes, tstop_ms=8.0, dt_ms=0.01).run()
    e_k = [c.reversal_potentials_mV()["k"] for c in cells]
    return res, e_k


def test_na_availability_at_rest_falls_below_half_by_12_mM(hyperkalaemia):
    res, _ = hyperkalaemia
    avail = res.nav12_h.values[:, 0] * res.nav12_s.values[:, 0]
    assert np.all(np.diff(avail) < 0), f"availability must fall as K+ rises: {dict(zip(K_LEVELS_MM, avail.round(3)))}"
    a12 = float(avail[K_LEVELS_MM.index(12.0)])
    _check(a12, 0.0, 0.5, "Na+ availability (h*s) at rest in 12 mM K+", KRISHNAN)


def test_rest_at_20_mM_is_near_ek(hyperkalaemia):
    res, e_k = hyperkalaemia
    i = K_LEVELS_MM.index(20.0)
    rest = float(res.v_rest_mV.values.ravel()[i])
    _check(rest - e_k[i], 0.0, 15.0, "rest above E_K in 20 mM K+ (mV)", KRISHNAN)


def test_excitability_falls_at_high_potassium(hyperkalaemia):
    res, _ = hyperkalaemia
    t = res.time.values
    v = res.v.values
    # the spike's upstroke (max dV/dt; the pulse alone adds I/C ~ 80 mV/ms) measures the Na+ current left
    window = (t >= 2.0) & (t <= 5.0)
    upstroke = np.array([np.gradient(v[j], t)[window].max() for j in range(len(K_LEVELS_MM))])
    peaks = v[:, t >= 2.0].max(axis=1)
    ratio = upstroke[-1] / upstroke[0]
    assert spike_times(t, v[0], 0.0).size == 1, "the test pulse must fire the cell at 4 mM K+"
    _check(ratio, 0.0, 0.5, "upstroke in 20 mM K+ / in 4 mM K+", KRISHNAN)
    assert peaks[-1] < peaks[0] - 20.0, f"AP peak must fall in 20 mM K+: peaks {dict(zip(K_LEVELS_MM, peaks.round(1)))}"


PULSE_MS, DELAY_MS = 0.2, 2.0


def _paired(amp1, intervals, amp2, tstop):
    cells, stims, probes = [], [], []
    for k, iv in enumerate(intervals):
        cells.append(seed_point_cell())
        site = rv.Site("soma", 0.5, cell=k)
        w = rv.Waveform((0.0, DELAY_MS, DELAY_MS + PULSE_MS, DELAY_MS + iv, DELAY_MS + iv + PULSE_MS),
                        (0.0, float(amp1), 0.0, float(amp2), 0.0))
        stims.append(rv.CurrentClamp(site, w))
        probes.append(rv.Probe(site, ("v",)))
    return rv.Simulation(cells, stims, probes=probes, tstop_ms=tstop, dt_ms=0.01).run()


def test_absolute_refractory_period_at_37_degC():
    src = ("mammalian ARP about 1 ms at 37 degC (encyclopedia.com 'refractory period', stored source; "
           "physiology review 2026-12-01 item 12, probe 0.8-1.0 ms)")
    amps = np.geomspace(0.5, 3.0, 24)
    cells = [seed_point_cell() for _ in amps]
    stim = [rv.CurrentClamp.step(rv.Site("soma", 0.5, cell=k), float(a), DELAY_MS, PULSE_MS) for k, a in enumerate(amps)]
    r = rv.Simulation(cells, stim, probes=[rv.Probe(rv.Site("soma", 0.5, cell=k), ("v",)) for k in range(amps.size)],
                      tstop_ms=10.0, dt_ms=0.01).run()
    fired = [spike_times(r.time.values, r.v.isel(site=k).values, 0.0).size > 0 for k in range(amps.size)]
    assert any(fired), "no spike up to 3 nA"
    thr = float(amps[int(np.argmax(fired))])
    # conditioning pulse at 2x threshold; test pulses at 3x threshold (stronger 0.2-ms pulses drive the soma past
    # the spike's own peak, so a spike could no longer be told from the pulse). A second spike is regenerative:
    # the membrane keeps rising by >= 10 mV after the test pulse ends, and overshoots 0 mV.
    intervals = np.round(np.arange(0.5, 2.01, 0.1), 2)
    r = _paired(2.0 * thr, intervals, 3.0 * thr, DELAY_MS + 2.0 + PULSE_MS + 2.5)
    t = r.time.values
    second = []
    for k, iv in enumerate(intervals):
        v = r.v.isel(site=k).values
        end = DELAY_MS + iv + PULSE_MS
        w = (t >= end) & (t <= end + 1.5)
        second.append(v[w].max() - v[np.searchsorted(t, end)] >= 10.0 and v[w].max() > 0.0)
    assert any(second), f"no second spike up to {intervals[-1]} ms"
    first = int(np.argmax(second))
    assert all(second[first:]), f"once recovered the cell must keep firing: {second}"
    arp = float(intervals[first])
    _check(arp, 0.5, 1.5, "absolute refractory period at 37 degC (ms), test pulse 3x threshold", src)
