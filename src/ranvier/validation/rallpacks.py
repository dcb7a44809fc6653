"""The three Rallpack benchmarks, built on ranvier's public API, and their error metrics.

Specification: U.S. Bhalla, D.H. Bilitch, J.M. Bower (1992), "Rallpacks: a set of
benchmarks for neuronal simulators", Trends in Neurosciences 15(11):453-458.

Common membrane: Ra = 100 ohm cm, Cm = 1 uF/cm2, Rm = 40,000 ohm cm2 (leak 2.5e-5 S/cm2)
reversing at Em = -65 mV; V = -65 mV everywhere at t = 0; a 0.1 nA current step into
the first end from t = 0; 250 ms.

* Rallpack 1: one passive cable, 1 mm long, 1 um thick (lambda = 1 mm, tau = 40 ms,
  L = 1), 1000 compartments; V at x = 0 and x = L. Reference: the analytic
  sealed-cable series (:mod:`ranvier.validation.analytic`).
* Rallpack 2: a binary tree of 10 levels (1023 sections, one compartment each). Root
  16 um x 32 um; per level the diameter shrinks by 2^(-2/3) and the length by 2^(-1/3)
  (Rall's 3/2 rule, 0.008 lambda per level), so the tree is one equivalent cylinder
  16 um thick and 320 um (0.08 lambda) long. Current into the root's 0 end; V at the
  root's 0 end and at the last tip's 1 end. Reference: the series with L = 0.08.
* Rallpack 3: Rallpack 1's cable with Hodgkin-Huxley Na and K (0.12 and 0.036 S/cm2,
  ENa = +50, EK = -77 mV, 6.3 degC) on top of the Rallpack leak. Reference: NEURON 9.0.2
  at 3000 compartments and a 1 us step (``tests/data/rallpacks/PROVENANCE.md``).

Error metrics
-------------
Rallpacks 1 and 2: the simulation is sampled every 0.25 ms (the reference grid,
0..250 ms) and compared with the analytic series on the same times:
``rel_rms = RMS(V - V_ref) / max|V_ref - Em|`` over all samples, and
``max_err_after_1ms_mV = max |V - V_ref|`` over samples with t > 1 ms.

Rallpack 3: spikes are upward crossings of -20 mV, linearly interpolated
(:func:`ranvier.analysis.spike_times`) on the recording at every time step. The k-th
spike is compared with the k-th reference spike (the trains are regular, so index
order is the natural pairing; a slow train shows up as a growing error and, by the
end, a missing spike). Reported: ``count_diff`` (spikes - reference spikes), the
first spike's error, the largest |error| over the first five spikes and over all
paired spikes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import ranvier as rv
from ranvier.analysis import spike_times
from ranvier.errors import RanvierError
from ranvier.validation.analytic import sealed_cable_mV
from ranvier.validation.data import load_neuron_be, load_rallpack3

__all__ = [
    "CM_UF_CM2", "EM_MV", "G_LEAK_S_CM2", "I0_NA", "RA_OHM_CM", "RM_OHM_CM2", "REFERENCE_RECORD_DT_MS",
    "SPIKE_THRESHOLD_MV", "TSTOP_MS", "PassiveErrors", "SpikeErrors", "neuron_be_spike_errors",
    "passive_errors", "passive_metrics", "passive_reference_mV", "rallpack1_cell", "rallpack1_simulation",
    "rallpack2_cell", "rallpack2_simulation", "rallpack3_cell", "rallpack3_errors", "rallpack3_simulation",
    "spike_errors",
]

RA_OHM_CM = 100.0
CM_UF_CM2 = 1.0
RM_OHM_CM2 = 40_000.0
G_LEAK_S_CM2 = 1.0 / RM_OHM_CM2  # 2.5e-5 S/cm2
EM_MV = -65.0
I0_NA = 0.1
TSTOP_MS = 250.0
REFERENCE_RECORD_DT_MS = 0.25
SPIKE_THRESHOLD_MV = -20.0

RP1_LENGTH_UM, RP1_DIAM_UM, RP1_NSEG = 1000.0, 1.0, 1000
RP2_DEPTH, RP2_ROOT_LENGTH_UM, RP2_ROOT_DIAM_UM = 10, 32.0, 16.0
RP2_EQUIVALENT_LENGTH_UM = 320.0  # 10 levels x 0.008 lambda x 4000 um
TEMPERATURE_DEGC = 6.3  # Rallpack 3 (HH rates are defined at 6.3 degC); irrelevant to the passive packs
RP3_REVERSAL_MV = {"na": 50.0, "k": -77.0}

SITES = {1: ("x=0", "x=L"), 2: ("root", "tip"), 3: ("x=0", "x=L")}


# ------------------------------------------------------------------------------ builders
def _leak() -> rv.Channel:
    return rv.leak(G_LEAK_S_CM2, EM_MV)


def rallpack1_cell(nseg: int = RP1_NSEG) -> rv.Cell:
    """The Rallpack 1 passive cable (``nseg`` compartments, 1000 in the specification)."""
    morph = rv.cable(RP1_LENGTH_UM, RP1_DIAM_UM, nseg=nseg, Ra_ohm_cm=RA_OHM_CM, cm_uF_cm2=CM_UF_CM2)
    return rv.Cell(morph, mechanisms=[_leak()], temperature_degC=TEMPERATURE_DEGC)


def _rp2_sections() -> list[rv.Section]:
    return rv.binary_tree(RP2_DEPTH, RP2_ROOT_LENGTH_UM, RP2_ROOT_DIAM_UM, nseg=1, Ra_ohm_cm=RA_OHM_CM,
                          cm_uF_cm2=CM_UF_CM2)


def rallpack2_cell() -> rv.Cell:
    """The Rallpack 2 passive binary tree (10 levels, 1023 sections of one compartment)."""
    return rv.Cell(rv.Morphology(_rp2_sections()), mechanisms=[_leak()], temperature_degC=TEMPERATURE_DEGC)


def rallpack3_cell(nseg: int = RP1_NSEG) -> rv.Cell:
    """The Rallpack 3 Hodgkin-Huxley axon: the Rallpack 1 cable with hh_na, hh_k and the Rallpack leak at 6.3 degC."""
    morph = rv.cable(RP1_LENGTH_UM, RP1_DIAM_UM, nseg=nseg, Ra_ohm_cm=RA_OHM_CM, cm_uF_cm2=CM_UF_CM2)
    return rv.Cell(morph, mechanisms=[rv.hh_na, rv.hh_k, _leak()], temperature_degC=TEMPERATURE_DEGC,
                   reversal_mV=dict(RP3_REVERSAL_MV))


def _cable_sites() -> tuple[rv.Site, rv.Site]:
    return rv.Site("cable", 0.0), rv.Site("cable", 1.0)


def _simulation(cell: rv.Cell, sites: tuple[rv.Site, rv.Site], method: str, dt_ms: float, tstop_ms: float,
                record_dt_ms: float | None) -> rv.Simulation:
    return rv.Simulation(
        cell,
        stimuli=[rv.CurrentClamp.step(sites[0], I0_NA)],
        probes=[rv.Probe(s, ("v",)) for s in sites],
        tstop_ms=tstop_ms, dt_ms=dt_ms, method=method, v_init_mV=EM_MV, record_dt_ms=record_dt_ms,
    )


def rallpack1_simulation(method: str = "be", dt_ms: float = 0.05, *, nseg: int = RP1_NSEG,
                         tstop_ms: float = TSTOP_MS, record_dt_ms: float | None = REFERENCE_RECORD_DT_MS
                         ) -> rv.Simulation:
    """Rallpack 1: 0.1 nA step at Site('cable', 0), V recorded at x = 0 and x = 1 (in that order)."""
    return _simulation(rallpack1_cell(nseg), _cable_sites(), method, dt_ms, tstop_ms, record_dt_ms)


def rallpack2_simulation(method: str = "be", dt_ms: float = 0.05, *, tstop_ms: float = TSTOP_MS,
                         record_dt_ms: float | None = REFERENCE_RECORD_DT_MS) -> rv.Simulation:
    """Rallpack 2: 0.1 nA step at the root's 0 end, V recorded there and at the last tip's 1 end."""
    secs = _rp2_sections()  # level by level: secs[0] is the root b0_0, secs[-1] the last tip b9_511
    cell = rv.Cell(rv.Morphology(secs), mechanisms=[_leak()], temperature_degC=TEMPERATURE_DEGC)
    sites = (rv.Site(secs[0].name, 0.0), rv.Site(secs[-1].name, 1.0))
    return _simulation(cell, sites, method, dt_ms, tstop_ms, record_dt_ms)


def rallpack3_simulation(method: str = "cn", dt_ms: float = 0.025, *, nseg: int = RP1_NSEG,
                         tstop_ms: float = TSTOP_MS, record_dt_ms: float | None = None) -> rv.Simulation:
    """Rallpack 3: 0.1 nA step at x = 0 of the HH axon, V at x = 0 and x = 1 recorded every step."""
    return _simulation(rallpack3_cell(nseg), _cable_sites(), method, dt_ms, tstop_ms, record_dt_ms)


# ------------------------------------------------------------------------------ references
def passive_reference_mV(pack: int, t_ms) -> np.ndarray:
    """Analytic V (mV) of Rallpack ``pack`` (1 or 2) at its two recording sites: shape (2, len(t_ms))."""
    if pack == 1:
        length, diam = RP1_LENGTH_UM, RP1_DIAM_UM
    elif pack == 2:
        length, diam = RP2_EQUIVALENT_LENGTH_UM, RP2_ROOT_DIAM_UM
    else:
        raise RanvierError(f"pack must be 1 or 2 (the passive Rallpacks), got {pack!r}")
    t = np.asarray(t_ms, dtype=float)
    return np.stack([
        sealed_cable_mV(t, x, length_um=length, diam_um=diam, Ra_ohm_cm=RA_OHM_CM, rm_ohm_cm2=RM_OHM_CM2,
                        cm_uF_cm2=CM_UF_CM2, i0_nA=I0_NA, em_mV=EM_MV)
        for x in (0.0, length)
    ])


# ------------------------------------------------------------------------------ metrics
@dataclass(frozen=True)
class PassiveErrors:
    """Errors of one passive run at one site against the analytic solution."""

    site: str
    rel_rms: float
    max_err_after_1ms_mV: float


def passive_metrics(t_ms: np.ndarray, v_mV: np.ndarray, ref_mV: np.ndarray, site: str) -> PassiveErrors:
    """Relative RMS error and max |error| after 1 ms of a trace against its reference on the same times."""
    err = np.asarray(v_mV, float) - np.asarray(ref_mV, float)
    scale = float(np.max(np.abs(np.asarray(ref_mV, float) - EM_MV)))
    late = np.asarray(t_ms) > 1.0
    return PassiveErrors(site, float(np.sqrt(np.mean(err**2)) / scale), float(np.max(np.abs(err[late]))))


def passive_errors(pack: int, method: str = "be", dt_ms: float = 0.05) -> tuple[PassiveErrors, PassiveErrors]:
    """Run Rallpack ``pack`` (1 or 2) and compare both sites with the analytic solution every 0.25 ms."""
    if pack == 1:
        sim = rallpack1_simulation(method, dt_ms)
    elif pack == 2:
        sim = rallpack2_simulation(method, dt_ms)
    else:
        raise RanvierError(f"pack must be 1 or 2 (the passive Rallpacks), got {pack!r}")
    res = sim.run(progress=False)
    t = res.time.values
    v = res["v"].values
    ref = passive_reference_mV(pack, t)
    return tuple(passive_metrics(t, v[k], ref[k], SITES[pack][k]) for k in range(2))  # type: ignore[return-value]


@dataclass(frozen=True)
class SpikeErrors:
    """Spike-time errors of one train against the reference train (times in ms)."""

    site: str
    n_spikes: int
    n_reference: int
    count_diff: int  # n_spikes - n_reference
    first_spike_err_ms: float  # signed: positive = late
    first5_max_abs_err_ms: float
    all_max_abs_err_ms: float  # over the min(n_spikes, n_reference) index-paired spikes


def spike_errors(spikes_ms, reference_ms, site: str = "") -> SpikeErrors:
    """Compare a spike train with a reference train, pairing the k-th spike with the k-th reference spike.

    Errors are NaN when there is nothing to pair (either train empty); with fewer than five paired spikes
    the first-five error covers the pairs there are.
    """
    s = np.asarray(spikes_ms, float)
    r = np.asarray(reference_ms, float)
    n = min(s.size, r.size)
    d = s[:n] - r[:n]
    nan = float("nan")
    return SpikeErrors(
        site=site, n_spikes=int(s.size), n_reference=int(r.size), count_diff=int(s.size - r.size),
        first_spike_err_ms=float(d[0]) if n else nan,
        first5_max_abs_err_ms=float(np.max(np.abs(d[:5]))) if n else nan,
        all_max_abs_err_ms=float(np.max(np.abs(d))) if n else nan,
    )


def _reference_trains() -> tuple[np.ndarray, np.ndarray]:
    r = load_rallpack3()
    return r["spikes_x0_ms"], r["spikes_xL_ms"]


def rallpack3_errors(method: str = "cn", dt_ms: float = 0.025) -> tuple[SpikeErrors, SpikeErrors]:
    """Run Rallpack 3 and compare the spike trains at x = 0 and x = L with the reference."""
    res = rallpack3_simulation(method, dt_ms).run(progress=False)
    t = res.time.values
    v = res["v"].values
    refs = _reference_trains()
    return tuple(  # type: ignore[return-value]
        spike_errors(spike_times(t, v[k], SPIKE_THRESHOLD_MV), refs[k], SITES[3][k]) for k in range(2)
    )


def neuron_be_spike_errors() -> tuple[SpikeErrors, SpikeErrors]:
    """The same errors for NEURON 9.0.2's backward Euler at dt = 50 us (tests/data/rallpacks JSON file)."""
    nb = load_neuron_be()
    refs = _reference_trains()
    return (spike_errors(nb["spikes_x0_ms"], refs[0], "x=0"), spike_errors(nb["spikes_xL_ms"], refs[1], "x=L"))
