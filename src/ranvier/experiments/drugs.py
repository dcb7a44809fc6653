"""drugs: TTX, TEA, 4-AP and lidocaine on the action potential.

Tonic block follows a Hill isotherm: fraction of channels unblocked = 1 / (1 + ([drug]/IC50)^nH),
applied by scaling the channel's gbar (``Channel.with_(gbar_S_cm2=...)``). Cited values:

* TTX on TTX-sensitive Nav channels: Kd ~ 1-10 nM (Hille B (2001) Ion Channels of Excitable
  Membranes, 3rd ed., Sinauer, ch. 17; Narahashi T, Moore JW, Scott WR (1964) J Gen Physiol
  47:965, doi:10.1085/jgp.47.5.965); here IC50 = 5 nM, nH = 1.
* TEA on Kv3, IC50 0.1-0.2 mM (Rudy B, McBain CJ (2001) Trends Neurosci 24:517,
  doi:10.1016/S0166-2236(00)01892-0), here 0.15 mM; and on the delayed rectifier, IC50 of
  millimolar order (Kv2-like delayed rectifiers ~5 mM; Gutman GA et al. (2005) Pharmacol Rev
  57:473, doi:10.1124/pr.57.4.10; node of Ranvier: Armstrong CM, Hille B (1972) J Gen Physiol
  59:388, doi:10.1085/jgp.59.4.388), here 5 mM.
* 4-AP on Kv1 (D-type) channels: the D-current is blocked by tens of uM (Storm JF (1988)
  Nature 336:379, doi:10.1038/336379a0), cloned Kv1.1/1.2 by 0.2-1 mM (Gutman et al. 2005); here
  0.1 mM. Its block of Kv3 at millimolar concentrations is not modelled.

TTX, TEA and 4-AP act on the seed soma's mammalian point cell (:func:`ranvier.seed.seed_point_cell`)
with a somatic Kv1 (D-type) current added, so that each drug has its own target: TEA widens the
spike (Kv3 repolarises it), 4-AP leaves the width alone but lowers the current needed to fire and
shortens the latency (Kv1 opens below threshold). Until 2026-12 both acted on one Traub-Miles K+
channel and were indistinguishable (physiology review 2026-12-01, item 13). The lidocaine parts
still use the Traub-Miles channels.
* Lidocaine, tonic (resting) block of Nav: K_R ~ 440 uM; block of inactivated channels,
  K_I ~ 10 uM (Bean BP, Cohen CJ, Tsien RW (1983) J Gen Physiol 81:613,
  doi:10.1085/jgp.81.5.613).

Lidocaine is modelled as a use-dependent blocker after the modulated-receptor hypothesis
(Hille B (1977) J Gen Physiol 69:497, doi:10.1085/jgp.69.4.497): an extra slow gate ``b``
(fraction of channels drug-free) on the Na+ channel, declared with ranvier's rate forms. Its
affinity rises e-fold per ``s`` mV of depolarisation from K_R at -70 mV to K_I at -20 mV, so

    b_inf(V) = 1 / (1 + ([D]/K_R) exp((V + 70)/s)),   s = 50 mV / ln(K_R/K_I)

which is exactly ``Sigmoid(1, -70 - s ln([D]/K_R), -s)``; its time constant is long at rest
(unbinding, TAU_REST_MS) and short when depolarised, with binding speed proportional to
[D]: ``Sigmoid(TAU_REST_MS, V_TAU - k ln([D]/100 uM), -k)``. Measured: block grows with
stimulation frequency at a fixed concentration, and a thin fibre, exposed over the same
length of axon as a thick one, blocks at a lower concentration (its shorter length constant
lets less current bridge the exposed segment; differential block: Gasser HS, Erlanger J
(1929) Am J Physiol 88:581, doi:10.1152/ajplegacy.1929.88.4.581; Franz DN, Perry RS (1974)
J Physiol 236:193, doi:10.1113/jphysiol.1974.sp010430).
"""

from __future__ import annotations

import math

import numpy as np

import ranvier as rv
from ranvier.analysis import ap_features, spike_times
from ranvier.errors import RanvierError
from ranvier.experiments.base import Outcome, Param, experiment
from ranvier.mechanisms.channel import Gate
from ranvier.mechanisms.forms import Sigmoid
from ranvier.morphology.section import Section
from ranvier.morphology.tree import Morphology

IC50 = {  # drug: (IC50 in mM, Hill coefficient, ion of the channel it blocks) for the main target
    "ttx": (5e-6, 1.0, "na"),
    "tea": (0.15, 1.0, "k"),
    "4ap": (0.1, 1.0, "k"),
    "lidocaine": (0.44, 1.0, "na"),
}
TARGETS = {  # drug: {channel name in the point cell: (IC50 mM, Hill coefficient)}
    "ttx": {"nav12": (5e-6, 1.0), "nap": (5e-6, 1.0)},
    "tea": {"kv3": (0.15, 1.0), "tm_kd": (5.0, 1.0)},
    "4ap": {"kv1": (0.1, 1.0)},
}
SOMA_GKV1_S_CM2 = 0.005
"""Somatic Kv1 (D-type) density (S/cm2) added to the point cell for the K+-channel blockers."""
STIM_NA, STIM_MS = 0.3, 20.0
LIDO_K_R_MM = 0.44  # Bean, Cohen & Tsien 1983
LIDO_K_I_MM = 0.010
LIDO_SLOPE_MV = 50.0 / math.log(LIDO_K_R_MM / LIDO_K_I_MM)
TAU_REST_MS = 300.0  # unbinding at rest, hundreds of ms (Hille 1977; Bean et al. 1983)
V_TAU_MV, K_TAU_MV = -20.0, 15.0

DOSES = {"ttx": (1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 1e-3), "tea": (1.0, 3.0, 10.0, 30.0), "4ap": (0.1, 0.3, 1.0, 3.0)}


def unblocked(drug: str, conc_mM: float) -> float:
    """Fraction of channels free of ``drug`` at ``conc_mM`` (Hill isotherm with the cited IC50)."""
    ic50, nh, _ = IC50[drug]
    return 1.0 / (1.0 + (conc_mM / ic50) ** nh)


def lidocaine_na(conc_mM: float) -> rv.Channel:
    """Traub-Miles Na+ channel with lidocaine's use-dependent block as a slow gate ``b``."""
    if conc_mM <= 0:
        return rv.tm_na
    mid = -70.0 - LIDO_SLOPE_MV * math.log(conc_mM / LIDO_K_R_MM)
    vt = V_TAU_MV - K_TAU_MV * math.log(conc_mM / 0.1)
    b = Gate("b", 1, inf=Sigmoid(1.0, mid, -LIDO_SLOPE_MV), tau=Sigmoid(TAU_REST_MS, vt, -K_TAU_MV))
    return rv.tm_na.with_(name="na_lido", gates=(*rv.tm_na.gates, b),
                          citation=rv.tm_na.citation + "; lidocaine gate after Hille 1977, doi:10.1085/jgp.69.4.497")


def _blocked_cell(fractions: dict[str, float]) -> rv.Cell:
    """The seed point cell plus a somatic Kv1, with each named channel's gbar times its unblocked fraction."""
    from ranvier.cell import Paint
    from ranvier.mechanisms.library.mammalian import kv1_channel
    from ranvier.seed import seed_point_cell

    cell = seed_point_cell()
    mech = [Paint(p.channel.with_(gbar_S_cm2=p.channel.gbar_S_cm2 * fractions.get(p.channel.name, 1.0)), p.where)
            for p in cell.mechanisms]
    mech.append(Paint(kv1_channel(SOMA_GKV1_S_CM2 * fractions.get("kv1", 1.0)), "soma"))
    return cell.with_(mechanisms=tuple(mech))


def _somas(fraction_sets: list[dict[str, float]], delay_ms: float = 2.0) -> list[dict]:
    """Spike count, first-spike latency, peak and half-width for a current step, one cell per fraction set."""
    cells = [_blocked_cell(f) for f in fraction_sets]
    sites = [rv.Site("soma", 0.5, cell=j) for j in range(len(cells))]
    res = rv.Simulation(cells, stimuli=[rv.CurrentClamp.step(s, STIM_NA, delay_ms, STIM_MS) for s in sites],
                        probes=[rv.Probe(s, ("v",)) for s in sites], tstop_ms=delay_ms + STIM_MS + 8.0, dt_ms=0.01).run()
    t = res.time.values
    out = []
    for j in range(len(cells)):
        v = res.v.isel(site=j).values
        f = ap_features(t, v)
        st = spike_times(t, v)
        out.append({"peak_mV": float(v.max()), "n_spikes": int(st.size),
                    "latency_ms": round(float(st[0] - delay_ms), 4) if st.size else None,
                    "half_width_ms": float(f[0].half_width_ms) if f and math.isfinite(f[0].half_width_ms) else None})
    return out


def _train(conc_mM: float, rate_hz: float, n: int):
    cell = rv.Cell(rv.cable(length_um=30.0, diam_um=30.0), mechanisms=[lidocaine_na(conc_mM), rv.tm_kd, *rv.ion_leak()],
                   temperature_degC=37.0)
    site = rv.Site("cable", 0.5)
    period = 1000.0 / rate_hz
    stims = [rv.CurrentClamp.step(site, 4.0, 5.0 + i * period, 0.5) for i in range(n)]
    res = rv.Simulation(cell, stimuli=stims, probes=[rv.Probe(site, ("v", "na_lido_b") if conc_mM > 0 else ("v",))],
                        tstop_ms=5.0 + (n - 1) * period + 10.0, dt_ms=0.025).run()
    t, v = res.time.values, res.v.sel(site=site.label).values
    spikes = spike_times(t, v)
    b = res.na_lido_b.sel(site=site.label).values if conc_mM > 0 else np.ones_like(t)
    before = [float(b[max(0, np.searchsorted(t, 5.0 + i * period) - 1)]) for i in range(n)]
    return {"spikes": int(spikes.size), "block_first": 1.0 - before[0], "block_last": 1.0 - before[-1]}


def _fibre_conducts(diam_um: float, conc_mM: float, exposed_um: float) -> bool:
    """Does a spike cross ``exposed_um`` of unmyelinated axon bathed in lidocaine at ``conc_mM``?"""
    side = 1500.0
    seg = max(2.0, 10.0 * diam_um)
    secs = [Section("pre", side, diam_um, Ra_ohm_cm=70.0, nseg=int(math.ceil(side / seg)), tags=("axon",)),
            Section("exposed", exposed_um, diam_um, parent="pre", Ra_ohm_cm=70.0,
                    nseg=int(math.ceil(exposed_um / seg)), tags=("axon",)),
            Section("post", side, diam_um, parent="exposed", Ra_ohm_cm=70.0, nseg=int(math.ceil(side / seg)),
                    tags=("axon",))]
    cell = rv.Cell(Morphology(secs), mechanisms=[(rv.tm_na, ("pre", "post")), (lidocaine_na(conc_mM), "exposed"),
                                                 rv.tm_kd, *rv.ion_leak()], temperature_degC=37.0)
    a, b = rv.Site("pre", 0.5), rv.Site("post", 0.5)
    res = rv.Simulation(cell, stimuli=[rv.CurrentClamp.step(rv.Site("pre", 0.0), 3.0 * diam_um**1.5, 0.1, 0.1)],
                        probes=[rv.Probe(a, ("v",)), rv.Probe(b, ("v",))], tstop_ms=25.0, dt_ms=0.01).run()
    t = res.time.values
    if spike_times(t, res.v.sel(site=a.label).values).size == 0:
        raise RanvierError(f"no spike started in the {diam_um:g}-um fibre")
    return spike_times(t, res.v.sel(site=b.label).values).size > 0


def _blocking_conc(diam_um: float, exposed_um: float, steps: int) -> float | None:
    """Lowest lidocaine concentration (mM) that blocks conduction, by bisection in log concentration
    between 1 uM and 100 mM; None if 100 mM does not block."""
    lo, hi = 1e-3, 100.0
    if not _fibre_conducts(diam_um, lo, exposed_um):
        return lo
    if _fibre_conducts(diam_um, hi, exposed_um):
        return None
    for _ in range(steps):
        mid = math.sqrt(lo * hi)
        if _fibre_conducts(diam_um, mid, exposed_um):
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def _ms(x) -> str:
    return "none (no spike)" if x is None else f"{x:.2f} ms"


def finding(s: dict) -> str:
    ttx, tea, fap = s["ttx"], s["tea"], s["4ap"]
    c = s["control"]
    lo_hz, hi_hz = s["train_rates_hz"]
    b_lo, b_hi = s["train_block"]
    f_lo, f_hi = s["train_failures"]
    thin, thick = s["fibre_diams_um"]
    c_thin, c_thick = s["blocking_conc_mM"]
    silent = next((cx for cx, n in zip(ttx["conc_mM"], ttx["n_spikes"]) if n == 0), None)
    fmt = lambda x: "no tested concentration (up to 100 mM)" if x is None else f"{x:.2f} mM"  # noqa: E731
    if c_thin is not None and (c_thick is None or c_thin < c_thick):
        order = "the thin fibre blocks at a lower concentration than the thick one"
    elif c_thin is None and c_thick is None:
        order = "neither blocks"
    elif c_thin == c_thick:
        order = "both block at the same concentration"
    else:  # the thick fibre blocks and the thin one does not, or blocks later
        order = "the thick fibre blocks at a lower concentration than the thin one"
    return (
        f"Without drugs the neuron fires {c['n_spikes']} spikes peaking at {c['peak_mV']:+.1f} mV, half-width "
        f"{c['half_width_ms']:.2f} ms. TTX (IC50 {s['ic50_mM']['ttx'] * 1e6:g} nM) lowers the peak to "
        f"{ttx['peak_mV'][-1]:+.1f} mV and the spike count to {ttx['n_spikes'][-1]} at {ttx['conc_mM'][-1] * 1e6:g} nM "
        f"({'no spike is left' if ttx['n_spikes'][-1] == 0 else 'some spikes survive'}"
        f"{'' if silent is None else f'; the lowest tested concentration without spikes is {silent * 1e6:g} nM'}). "
        f"TEA (on Kv3, IC50 {s['ic50_mM']['tea']:g} mM) changes the half-width to {tea['half_width_ms'][-1]:.2f} ms at "
        f"{tea['conc_mM'][-1]:g} mM ({tea['half_width_ms'][-1] / c['half_width_ms']:.2f} x control) and the first-spike "
        f"latency to {_ms(tea['latency_ms'][-1])}; 4-AP (on Kv1, IC50 {s['ic50_mM']['4ap']:g} mM) changes the half-width "
        f"to {fap['half_width_ms'][-1]:.2f} ms ({fap['half_width_ms'][-1] / c['half_width_ms']:.2f} x) and the latency to "
        f"{_ms(fap['latency_ms'][-1])} at {fap['conc_mM'][-1]:g} mM, with {fap['n_spikes'][-1]} spike(s) against "
        f"{c['n_spikes']} (control latency {_ms(c['latency_ms'])}). Lidocaine at {s['lidocaine_mM'] * 1e3:g} uM blocks {100 * s['lidocaine_tonic_block']:.1f} % of Na+ "
        f"channels at rest; in a train of {s['train_pulses']} pulses the block before the last pulse reaches "
        f"{100 * b_lo:.1f} % at {lo_hz:g} Hz and {100 * b_hi:.1f} % at {hi_hz:g} Hz "
        f"({'use-dependent: it grows with frequency' if b_hi > b_lo else 'it does not grow with frequency'}), and "
        f"{f_lo} of {s['train_pulses']} pulses fail to fire a spike at {lo_hz:g} Hz and {f_hi} at {hi_hz:g} Hz. Bathing {s['exposed_um']:g} um of axon, lidocaine "
        f"blocks conduction in the {thin:g}-um fibre from {fmt(c_thin)} and in the {thick:g}-um fibre from "
        f"{fmt(c_thick)}: {order}."
    )


@experiment(
    "drugs",
    "TTX, TEA, 4-AP, lidocaine",
    "How do channel blockers change the action potential, and why is lidocaine use-dependent and fibre-selective?",
    (Param("lidocaine_uM", 200.0, "uM", 1.0, 5000.0, "lidocaine for the train"),
     Param("low_rate_hz", 2.0, "Hz", 0.5, 100.0, "slow train"),
     Param("high_rate_hz", 50.0, "Hz", 0.5, 200.0, "fast train"),
     Param("train_pulses", 20, "", 2, 100, "pulses per train"),
     Param("thin_diam_um", 0.5, "um", 0.1, 2.0, "thin unmyelinated fibre"),
     Param("thick_diam_um", 4.0, "um", 1.0, 20.0, "thick unmyelinated fibre"),
     Param("exposed_um", 300.0, "um", 50.0, 3000.0, "length of axon bathed in lidocaine"),
     Param("bisection_steps", 8, "", 2, 20, "bisection steps for the blocking concentration")),
    finding,
)
def run(lidocaine_uM, low_rate_hz, high_rate_hz, train_pulses, thin_diam_um, thick_diam_um, exposed_um,
        bisection_steps) -> Outcome:
    if high_rate_hz <= low_rate_hz:
        raise RanvierError(f"high_rate_hz ({high_rate_hz:g}) must exceed low_rate_hz ({low_rate_hz:g})")
    if thick_diam_um <= thin_diam_um:
        raise RanvierError(f"thick_diam_um ({thick_diam_um:g}) must exceed thin_diam_um ({thin_diam_um:g})")
    summary: dict = {"ic50_mM": {k: v[0] for k, v in IC50.items()}}
    summary["cell"] = "seed soma point cell (ranvier.seed.seed_point_cell) with somatic Kv1, 37 degC"
    sets, keys = [{}], [("control", None)]
    for drug, doses in DOSES.items():
        for cmm in doses:
            sets.append({ch: 1.0 / (1.0 + (cmm / ic50) ** nh) for ch, (ic50, nh) in TARGETS[drug].items()})
            keys.append((drug, cmm))
    rows = _somas(sets)
    summary["control"] = rows[0]
    for drug in DOSES:
        mine = [(c, r) for (d, c), r in zip(keys, rows) if d == drug]
        summary[drug] = {"conc_mM": [c for c, _ in mine], "unblocked": [unblocked(drug, c) for c, _ in mine],
                         **{k: [r[k] for _, r in mine] for k in mine[0][1]}}
    n = int(round(train_pulses))
    cm = lidocaine_uM * 1e-3
    lo, hi = _train(cm, low_rate_hz, n), _train(cm, high_rate_hz, n)
    summary.update({
        "lidocaine_mM": cm, "train_pulses": n, "train_rates_hz": [low_rate_hz, high_rate_hz],
        "lidocaine_tonic_block": round(lo["block_first"], 4),
        "train_block": [round(lo["block_last"], 4), round(hi["block_last"], 4)],
        "train_failures": [n - min(n, lo["spikes"]), n - min(n, hi["spikes"])],
        "fibre_diams_um": [thin_diam_um, thick_diam_um], "exposed_um": exposed_um,
        "blocking_conc_mM": [_blocking_conc(d, exposed_um, int(round(bisection_steps))) for d in (thin_diam_um, thick_diam_um)],
    })
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 4.0))
        ax = fig.subplots(1, 2)
        ax[0].semilogx(np.array(summary["ttx"]["conc_mM"]) * 1e6, summary["ttx"]["peak_mV"], "o-")
        ax[0].set_xlabel("TTX (nM)")
        ax[0].set_ylabel("AP peak (mV)")
        ax[1].semilogx(summary["tea"]["conc_mM"], summary["tea"]["half_width_ms"], "o-", label="TEA")
        ax[1].semilogx(summary["4ap"]["conc_mM"], summary["4ap"]["half_width_ms"], "s-", label="4-AP")
        ax[1].set_xlabel("drug (mM)")
        ax[1].set_ylabel("AP half-width (ms)")
        ax[1].legend(fontsize=8)
        figures.append(("TTX lowers and abolishes the spike; TEA (Kv3) broadens it, 4-AP (Kv1) hardly does", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
