"""resting-potential: Nernst per ion and the GHK resting potential; how rest follows external K+."""

from __future__ import annotations

import numpy as np

from ranvier.experiments.base import Outcome, Param, experiment
from ranvier.ions import DEFAULT_PERMEABILITIES, Concentrations, resting_potential_mV


def finding(s: dict) -> str:
    e = s["nernst_mV"]
    lo, hi = s["slope_low_k_mV_per_decade"], s["slope_high_k_mV_per_decade"]
    nernst = s["nernst_slope_mV_per_decade"]
    closer = "closer to" if abs(hi - nernst) < abs(lo - nernst) else "further from"
    return (
        f"With these concentrations each ion would hold the membrane at its own Nernst potential: "
        f"Na+ {e['na']:+.1f} mV, K+ {e['k']:+.1f} mV, Cl- {e['cl']:+.1f} mV, Ca2+ {e['ca']:+.1f} mV. "
        f"The membrane, permeable to all three monovalent ions at once, rests at {s['resting_potential_mV']:.1f} mV "
        f"(GHK), {'closer to E_K than to E_Na' if abs(s['resting_potential_mV'] - e['k']) < abs(s['resting_potential_mV'] - e['na']) else 'closer to E_Na than to E_K'}"
        f", as the permeabilities weight it. Raising external K+ from {s['k_out_range_mM'][0]:g} to "
        f"{s['k_out_range_mM'][1]:g} mM moves rest by {s['slope_low_k_mV_per_decade']:.1f} mV per tenfold change at low "
        f"K+ and {s['slope_high_k_mV_per_decade']:.1f} mV per tenfold at high K+, {closer} the Nernst slope of "
        f"{nernst:.1f} mV: at high K+ the K+ term dominates the GHK equation."
    )


@experiment(
    "resting-potential",
    "The resting potential from ion concentrations",
    "Where does the resting potential come from, and how does it follow external K+?",
    (Param("temperature_degC", 37.0, "degC", 0.0, 45.0, "temperature"),
     Param("k_out_mM", 5.0, "mM", 0.5, 150.0, "external K+"),
     Param("p_na", DEFAULT_PERMEABILITIES["na"], "", 0.0, 1.0, "Na+ permeability relative to K+"),
     Param("p_cl", DEFAULT_PERMEABILITIES["cl"], "", 0.0, 2.0, "Cl- permeability relative to K+")),
    finding,
)
def run(temperature_degC: float, k_out_mM: float, p_na: float, p_cl: float) -> Outcome:
    perm = {"k": 1.0, "na": p_na, "cl": p_cl}
    conc = Concentrations(k_out_mM=k_out_mM)
    ks = np.geomspace(1.0, 100.0, 41)
    rest = np.array([resting_potential_mV(conc.with_(k_out_mM=float(k)), perm, temperature_degC) for k in ks])
    slope = np.gradient(rest, np.log10(ks))
    nernst_slope = float(np.log(10) * 8.314462618 * (temperature_degC + 273.15) / 96485.33212 * 1e3)
    summary = {
        "nernst_mV": {k: round(v, 2) for k, v in conc.reversal_potentials_mV(temperature_degC).items()},
        "resting_potential_mV": round(resting_potential_mV(conc, perm, temperature_degC), 3),
        "k_out_range_mM": [1.0, 100.0],
        "slope_low_k_mV_per_decade": round(float(slope[:5].mean()), 2),
        "slope_high_k_mV_per_decade": round(float(slope[-5:].mean()), 2),
        "nernst_slope_mV_per_decade": round(nernst_slope, 2),
    }
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 4.0))
        ax = fig.subplots()
        ax.semilogx(ks, rest, label="resting potential (GHK)")
        ek = [conc.with_(k_out_mM=float(k)).nernst_mV("k", temperature_degC) for k in ks]
        ax.semilogx(ks, ek, "--", label="E_K (Nernst)")
        ax.set_xlabel("external K+ (mM)")
        ax.set_ylabel("membrane potential (mV)")
        ax.legend()
        figures.append(("Resting potential against external K+: Nernstian at high K+, shallower at low K+", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
