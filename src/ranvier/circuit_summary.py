"""What ``ranvier run`` reports about the seed circuit, every number measured from the result."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ranvier.analysis import ap_features, spike_times
from ranvier.site import Site
from ranvier.summary import ion_charge_uC_cm2

SPIKE_MV = -20.0
ONSET_MV_PER_MS = 20.0  # a spike's upstroke has started where dV/dt first exceeds this
EPSP_ONSET_MV_PER_MS = 1.0  # a synaptic potential has started where dV/dt first exceeds this


def _v(result: xr.Dataset, site: Site) -> np.ndarray:
    return result.v.sel(site=site.label).values


def _onset(t: np.ndarray, v: np.ndarray, rate: float, after: float = -np.inf) -> float | None:
    d = np.gradient(v, t)
    hit = np.nonzero((d > rate) & (t > after))[0]
    return float(t[hit[0]]) if hit.size else None


def _num(x) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else round(float(x), 4)


def summarize_circuit(result: xr.Dataset, sites: dict[str, Site], reversal_mV: dict[str, float],
                      fiber_diam_um: float | None = None) -> dict:
    """Measured quantities of a seed-circuit run (units in the keys).

    Every quantity checks that it measures what its name says: an undershoot that stays
    above rest, a velocity from a spike that did not reach the far site, or an EPSP that
    contains spikes is given as None, and ``not_measured`` says why (keyed by the dotted
    path of the quantity). ``fiber_diam_um`` (the myelinated fibre's outer diameter) adds
    the velocity per um of it.
    """
    t = result.time.values
    why: dict[str, str] = {}
    soma, ais, dend = sites["soma"], sites["ais"], sites["dendrite"]
    out: dict = {
        "resting_potential_mV": _num(result.v_rest_mV.sel(site=soma.label)),
        "nernst_mV": {k: round(v, 2) for k, v in reversal_mV.items()},
        "temperature_degC": float(result.temperature_degC.sel(site=soma.label)),
        "dt_ms": float(result.attrs["dt_ms"]),
    }
    spikes = spike_times(t, _v(result, soma), SPIKE_MV)
    out["soma_spike_count"] = int(spikes.size)
    # where the first spike starts: the earliest upstroke among dendrite, soma, AIS and first node
    candidates = {"dendrite": dend, "soma": soma, "ais": ais}
    if "node0" in sites:
        candidates["first node"] = sites["node0"]
    onsets = {name: _onset(t, _v(result, s), ONSET_MV_PER_MS) for name, s in candidates.items()}
    known = {k: v for k, v in onsets.items() if v is not None}
    out["spike_onset_ms"] = {k: _num(v) for k, v in onsets.items()}
    out["initiation_site"] = min(known, key=known.get) if known else None
    if spikes.size:
        first = ap_features(t, _v(result, soma), spike_threshold_mV=SPIKE_MV)[0]
        window = (t > first.peak_ms) & (t < first.peak_ms + 5.0)
        lowest = float(_v(result, soma)[window].min()) if window.any() else None
        rest = out["resting_potential_mV"]
        undershoot = lowest
        if lowest is None:
            undershoot = None
            why["first_ap.undershoot_mV"] = "the recording ends at the spike's peak"
        elif rest is not None and lowest >= rest:
            undershoot = None
            why["first_ap.undershoot_mV"] = (
                f"no undershoot: within 5 ms of the peak the soma stayed above rest (lowest {lowest:.1f} mV, "
                f"rest {rest:.1f} mV)")
        out["first_ap"] = {
            "threshold_mV": _num(first.threshold_mV),
            "peak_mV": _num(first.peak_mV),
            "half_width_ms": _num(first.half_width_ms),
            "undershoot_mV": _num(undershoot),
            # the lowest potential after the spike (to the next spike or the end), below rest when positive
            "ahp_below_rest_mV": _num(out["resting_potential_mV"] - first.ahp_mV),
        }
        t0 = first.onset_ms if math.isfinite(first.onset_ms) else first.peak_ms - 1.0
        out["first_ap"]["charge_at_ais_uC_cm2"] = {
            ion: round(ion_charge_uC_cm2(result, ais.label, ion, t0 - 0.5, t0 + 2.5), 4)
            for ion in ("na", "k") if f"i_{ion}" in result
        }
        out["summation"] = {
            "first_spike_ms": _num(spikes[0]),
            "depolarisation_at_threshold_mV": _num(first.threshold_mV - out["resting_potential_mV"]),
        }
    # conduction velocity between two sites along the axon, far from both ends
    nodes = sorted((k for k in sites if k.startswith("node")), key=lambda k: int(k[4:]))
    if len(nodes) >= 4:
        a, b = sites[nodes[1]], sites[nodes[-2]]
        ta = spike_times(t, _v(result, a), SPIKE_MV)
        tb = spike_times(t, _v(result, b), SPIKE_MV)
        dist = float(result.distance_um.sel(site=b.label) - result.distance_um.sel(site=a.label))
        out["conduction"] = {"between": [a.label, b.label], "distance_um": round(dist, 1)}
        if ta.size and tb.size and tb[0] > ta[0]:
            out["conduction"]["velocity_m_s"] = _num(dist / (tb[0] - ta[0]) * 1e-3)
        else:
            out["conduction"]["velocity_m_s"] = None
            if not ta.size:
                why["conduction.velocity_m_s"] = f"no spike at {a.label}: nothing to time"
            elif not tb.size:
                why["conduction.velocity_m_s"] = (f"the spike did not propagate: {a.label} fired at {ta[0]:.3f} ms "
                                                  f"but {b.label} never did")
            else:
                why["conduction.velocity_m_s"] = (f"{b.label} fired ({tb[0]:.3f} ms) before {a.label} "
                                                  f"({ta[0]:.3f} ms): not a spike travelling from one to the other")
        if fiber_diam_um is not None:
            cv = out["conduction"]["velocity_m_s"]
            out["conduction"]["fiber_diam_um"] = float(fiber_diam_um)
            out["conduction"]["velocity_per_fiber_diam_m_s_per_um"] = _num(cv / fiber_diam_um) if cv is not None else None
        # does every spike that leaves the AIS reach the terminal?
        out["conduction"]["ais_spike_count"] = int(spike_times(t, _v(result, ais), SPIKE_MV).size)
    term = sites["terminal"]
    t_term = spike_times(t, _v(result, term), SPIKE_MV)
    out["terminal"] = {"spike_ms": _num(t_term[0]) if t_term.size else None, "spike_count": int(t_term.size)}
    if "ca_i_mM" in result:
        out["terminal"]["ca_peak_uM"] = _num(float(np.nanmax(result.ca_i_mM.sel(site=term.label).values)) * 1e3)
    if "b_dendrite" in sites:
        vb = _v(result, sites["b_dendrite"])
        vs = _v(result, sites["b_soma"])
        post: dict = {"spike_count": int(spike_times(t, vs, SPIKE_MV).size)}
        for key, where, trace in (("epsp_dendrite_mV", "dendrite", vb), ("epsp_soma_mV", "soma", vs)):
            n_spikes = int(spike_times(t, trace, SPIKE_MV).size)
            if n_spikes:  # a spike is not a synaptic potential: its height says nothing about the synapse
                post[key] = None
                why[f"neuron_b.{key}"] = (f"neuron B's {where} fired {n_spikes} spike(s) (above {SPIKE_MV:g} mV); "
                                          f"an EPSP amplitude would include them")
            else:
                post[key] = _num(trace.max() - trace[0])
        if t_term.size:
            onset = _onset(t, vb, EPSP_ONSET_MV_PER_MS, after=t_term[0])
            post["synaptic_delay_ms"] = _num(onset - t_term[0]) if onset is not None else None
        out["neuron_b"] = post
    out["not_measured"] = why
    return out


def format_circuit_summary(s: dict) -> str:
    """Plain text for people."""
    def f(x, unit="", spec=".2f"):
        return "n/a" if x is None else f"{x:{spec}} {unit}".strip()

    lines = [
        f"resting potential          {f(s['resting_potential_mV'], 'mV')}  (computed from channels and concentrations)",
        "Nernst potentials          " + ", ".join(f"E_{k} {v:+.1f} mV" for k, v in s["nernst_mV"].items()),
    ]
    summ = s.get("summation")
    if summ:
        lines.append(f"EPSPs summed to threshold  first spike at {f(summ['first_spike_ms'], 'ms')}, "
                     f"{f(summ['depolarisation_at_threshold_mV'], 'mV')} above rest")
    on = s.get("spike_onset_ms", {})
    lines.append(f"spike starts in            {s.get('initiation_site') or 'n/a'}  ("
                 + ", ".join(f"{k} {f(v, 'ms', '.3f')}" for k, v in on.items()) + ")")
    ap = s.get("first_ap")
    if ap:
        lines.append(f"action potential           threshold {f(ap['threshold_mV'], 'mV')}, peak {f(ap['peak_mV'], 'mV')}, "
                     f"undershoot {f(ap['undershoot_mV'], 'mV')}, half-width {f(ap['half_width_ms'], 'ms', '.3f')}, "
                     f"AHP {f(ap.get('ahp_below_rest_mV'), 'mV')} below rest")
        q = ap.get("charge_at_ais_uC_cm2", {})
        if q:
            lines.append("charge in the AIS spike    " + ", ".join(
                f"{ion.capitalize()}+ {v:+.3f} uC/cm2 ({'in' if v < 0 else 'out'})" for ion, v in q.items()))
    c = s.get("conduction")
    if c:
        per = c.get("velocity_per_fiber_diam_m_s_per_um")
        lines.append(f"conduction velocity        {f(c['velocity_m_s'], 'm/s')}  ({c['between'][0]} -> {c['between'][1]}, "
                     f"{c['distance_um']:.0f} um)"
                     + (f", {f(per, 'm/s per um', '.2f')} of a {c['fiber_diam_um']:g}-um fibre" if "fiber_diam_um" in c else ""))
    tm = s.get("terminal", {})
    lines.append(f"terminal                   spike at {f(tm.get('spike_ms'), 'ms')}, Ca2+ peak {f(tm.get('ca_peak_uM'), 'uM')}")
    b = s.get("neuron_b")
    if b:
        lines.append(f"neuron B                   synaptic delay {f(b.get('synaptic_delay_ms'), 'ms')}, EPSP "
                     f"{f(b['epsp_dendrite_mV'], 'mV')} at the dendrite, {f(b['epsp_soma_mV'], 'mV')} at the soma, "
                     f"{b['spike_count']} spike(s)")
    for key, reason in s.get("not_measured", {}).items():
        lines.append(f"n/a: {key:22s}  {reason}")
    return "\n".join(lines)
