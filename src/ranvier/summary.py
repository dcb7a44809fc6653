"""Measure the numbers ``ranvier run`` reports, from a Result (never from the model's parameters)."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ranvier.analysis import ap_features, conduction_velocity_m_s, spike_times
from ranvier.errors import RanvierError

SPIKE_THRESHOLD_MV = -20.0


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def ion_charge_uC_cm2(result: xr.Dataset, site: str, ion: str, t0_ms: float, t1_ms: float) -> float:
    """Charge density (uC/cm2, outward positive) carried by ``ion`` at ``site`` between t0 and t1.

    mA/cm2 integrated over ms gives uC/cm2.
    """
    var = f"i_{ion}"
    if var not in result:
        raise RanvierError(f"the result has no {var} recording")
    seg = result[var].sel(site=site).sel(time=slice(t0_ms, t1_ms))
    return float(np.trapezoid(seg.values, seg.time.values))


def summarize(result: xr.Dataset, soma: str, axon_a: str, axon_b: str, reversal_mV: dict[str, float]) -> dict:
    """A dictionary of measured quantities (units in the keys).

    A quantity that would not mean what its name says (an afterhyperpolarisation that stays
    above rest, a velocity without a spike at both sites) is None, with the reason in
    ``not_measured`` under its dotted key.
    """
    t = result.time.values
    why: dict[str, str] = {}
    v_soma = result.v.sel(site=soma).values
    spikes = spike_times(t, v_soma, SPIKE_THRESHOLD_MV)
    out: dict = {
        "resting_potential_mV": float(result.v_rest_mV.sel(site=soma)),
        "nernst_mV": {k: round(v, 3) for k, v in reversal_mV.items()},
        "spike_count": int(spikes.size),
        "spike_times_ms": [round(float(x), 4) for x in spikes],
        "temperature_degC": float(result.temperature_degC.sel(site=soma)),
        "dt_ms": float(result.attrs["dt_ms"]),
        "method": result.attrs["method"],
    }
    feats = ap_features(t, v_soma, spike_threshold_mV=SPIKE_THRESHOLD_MV)
    if feats:
        f = feats[0]
        ahp = _finite(f.ahp_mV)
        if ahp is not None and ahp >= out["resting_potential_mV"]:
            why["first_ap.afterhyperpolarisation_mV"] = (
                f"no afterhyperpolarisation: after the peak V stayed above rest (lowest {ahp:.1f} mV, "
                f"rest {out['resting_potential_mV']:.1f} mV)")
            ahp = None
        out["first_ap"] = {
            "threshold_mV": _finite(f.threshold_mV),
            "peak_mV": _finite(f.peak_mV),
            "half_width_ms": _finite(f.half_width_ms),
            "afterhyperpolarisation_mV": ahp,
        }
        t0 = f.onset_ms if math.isfinite(f.onset_ms) else f.peak_ms - 1.0
        t1 = t0 + 3.0
        charges = {}
        for ion in ("na", "k"):
            if f"i_{ion}" in result:
                charges[ion] = ion_charge_uC_cm2(result, soma, ion, t0, t1)
        out["first_ap"]["charge_uC_cm2"] = charges
    ta = spike_times(t, result.v.sel(site=axon_a).values, SPIKE_THRESHOLD_MV)
    tb = spike_times(t, result.v.sel(site=axon_b).values, SPIKE_THRESHOLD_MV)
    distance = float(result.distance_um.sel(site=axon_b) - result.distance_um.sel(site=axon_a))
    try:
        cv = conduction_velocity_m_s(ta, tb, distance)
        out["conduction_velocity_m_s"] = float(np.mean(cv))
    except RanvierError as e:
        out["conduction_velocity_m_s"] = None
        why["conduction_velocity_m_s"] = str(e)
    out["conduction_between"] = [axon_a, axon_b]
    out["conduction_distance_um"] = distance
    if why:
        out["not_measured"] = why
    return out


def format_summary(s: dict) -> str:
    """Plain-text rendering of :func:`summarize` for people."""
    lines = [
        f"resting potential        {s['resting_potential_mV']:8.2f} mV   (computed from channels and concentrations)",
        "Nernst potentials        " + ", ".join(f"E_{k} {v:+.1f} mV" for k, v in s["nernst_mV"].items()),
        f"spikes at the soma       {s['spike_count']:8d}",
    ]
    ap = s.get("first_ap")
    if ap:
        def fmt(x, unit, spec="8.2f"):
            return "     n/a" if x is None else f"{x:{spec}} {unit}"
        lines += [
            f"first AP threshold       {fmt(ap['threshold_mV'], 'mV')}   (dV/dt > 10 mV/ms)",
            f"first AP peak            {fmt(ap['peak_mV'], 'mV')}",
            f"first AP half-width      {fmt(ap['half_width_ms'], 'ms', '8.3f')}",
            f"afterhyperpolarisation   {fmt(ap['afterhyperpolarisation_mV'], 'mV')}",
        ]
        for ion, q in ap.get("charge_uC_cm2", {}).items():
            direction = "inward" if q < 0 else "outward"
            lines.append(f"{ion.capitalize()}+ charge in the AP     {q:+8.3f} uC/cm2 ({direction})")
    cv = s.get("conduction_velocity_m_s")
    a, b = s["conduction_between"]
    lines.append(
        f"conduction velocity      {'     n/a' if cv is None else f'{cv:8.3f}'} m/s  ({a} -> {b}, {s['conduction_distance_um']:.0f} um)"
    )
    return "\n".join(lines)
