"""myelin-and-diameter: conduction velocity against fibre diameter, myelinated and unmyelinated.

Each velocity is measured in a simulation (:func:`ranvier.myelin.conduction_velocity`) and
compared with two references:

* Hursh's relation for mammalian myelinated fibres, about 6 m/s per um of fibre diameter
  (Hursh JB (1939) Conduction velocity and diameter of nerve fibers, Am J Physiol
  127:131-139, doi:10.1152/ajplegacy.1939.127.1.131).
* The Erlanger-Gasser fibre classes as tabulated in Kandel ER, Schwartz JH, Jessell TM,
  Siegelbaum SA, Hudspeth AJ (2013) Principles of Neural Science, 5th ed., McGraw-Hill,
  Table 22-1 (ISBN 978-0-07-139011-8): A-alpha 12-20 um, 72-120 m/s; A-beta 6-12 um,
  36-72 m/s; A-delta 1-6 um, 4-36 m/s; C (unmyelinated) 0.2-1.5 um, 0.4-2.0 m/s.

Each simulated fibre is classified by its *measured* velocity, and the class is compared
with the one its diameter belongs to.
"""

from __future__ import annotations

import numpy as np

from ranvier import myelin
from ranvier.experiments.base import Outcome, Param, experiment

HURSH_M_S_PER_UM = 6.0

FIBRE_CLASSES = {  # name: (diameter range um, velocity range m/s, myelinated), Kandel et al. 2013 Table 22-1
    "A-alpha": ((12.0, 20.0), (72.0, 120.0), True),
    "A-beta": ((6.0, 12.0), (36.0, 72.0), True),
    "A-delta": ((1.0, 6.0), (4.0, 36.0), True),
    "C": ((0.2, 1.5), (0.4, 2.0), False),
}

MYELINATED_DIAMS_UM = (2.0, 4.0, 8.0, 12.0, 16.0, 20.0)
UNMYELINATED_DIAMS_UM = (0.25, 0.5, 1.0, 1.5)


def class_by_velocity(v_m_s: float) -> str:
    """The fibre class whose velocity range holds ``v_m_s``, or "none" (between or outside the ranges)."""
    for name, (_, (lo, hi), _) in FIBRE_CLASSES.items():
        if lo <= v_m_s <= hi:
            return name
    return "none"


def class_by_diameter(d_um: float, myelinated: bool) -> str:
    """The fibre class whose diameter range (and myelination) holds ``d_um``, or "none"."""
    for name, ((lo, hi), _, myel) in FIBRE_CLASSES.items():
        if myel == myelinated and lo <= d_um <= hi:
            return name
    return "none"


def finding(s: dict) -> str:
    slope = s["myelinated_slope_m_s_per_um"]
    ratio = slope / s["hursh_m_s_per_um"]
    fibres = s["fibres"]
    n_match = sum(f["class_by_velocity"] == f["class_by_diameter"] for f in fibres)
    mism = [f for f in fibres if f["class_by_velocity"] != f["class_by_diameter"]]
    m = [f for f in fibres if f["myelinated"]]
    u = [f for f in fibres if not f["myelinated"]]
    text = (
        f"Myelinated fibres of {m[0]['diam_um']:g}-{m[-1]['diam_um']:g} um conduct at "
        f"{m[0]['velocity_m_s']:.1f}-{m[-1]['velocity_m_s']:.1f} m/s, {slope:.2f} m/s per um of fibre diameter "
        f"(least squares through the origin, r2 = {s['myelinated_linear_r2']:.3f}): "
        f"{ratio:.2f} times Hursh's {s['hursh_m_s_per_um']:g} m/s per um, "
        f"{'so the model conducts more slowly than Hursh measured' if ratio < 0.95 else ('so the model conducts faster than Hursh measured' if ratio > 1.05 else 'within 5 % of it')}. "
        f"Unmyelinated axons of {u[0]['diam_um']:g}-{u[-1]['diam_um']:g} um conduct at "
        f"{u[0]['velocity_m_s']:.2f}-{u[-1]['velocity_m_s']:.2f} m/s, growing as diameter to the power "
        f"{s['unmyelinated_exponent']:.2f} ({'close to' if abs(s['unmyelinated_exponent'] - 0.5) < 0.1 else 'unlike'} "
        f"the square root cable theory predicts). "
        f"At {m[0]['diam_um']:g} um the myelinated fibre conducts {s['myelin_gain_at_smallest_myelinated']:.1f} times "
        f"faster than a bare axon of that diameter would (the unmyelinated power law extrapolated). "
        f"Classified by measured velocity, {n_match} of {len(fibres)} fibres fall in the class their diameter "
        f"belongs to"
    )
    if mism:
        text += "; " + ", ".join(
            f"the {f['diam_um']:g}-um fibre ({f['velocity_m_s']:.3g} m/s) is "
            f"{'in no class' if f['class_by_velocity'] == 'none' else f['class_by_velocity']} by velocity "
            f"but {f['class_by_diameter']} by diameter" for f in mism
        )
    return text + "."


@experiment(
    "myelin-and-diameter",
    "Conduction velocity, myelin and fibre diameter",
    "How does conduction velocity grow with diameter, with and without myelin, and which fibre classes result?",
    (Param("temperature_degC", 37.0, "degC", 20.0, 42.0, "temperature"),
     Param("g_ratio", myelin.DEFAULT_G_RATIO, "", 0.4, 0.9, "axon diameter / fibre diameter of the myelinated fibres"),
     Param("n_nodes", 15, "", 9, 41, "nodes of each myelinated axon")),
    finding,
)
def run(temperature_degC: float, g_ratio: float, n_nodes: float) -> Outcome:
    nn = int(round(n_nodes))
    fibres = []
    for d in MYELINATED_DIAMS_UM:
        v = myelin.conduction_velocity(d, True, temperature_degC, n_nodes=nn, g_ratio=g_ratio)
        fibres.append({"diam_um": d, "myelinated": True, "velocity_m_s": round(v, 3)})
    for d in UNMYELINATED_DIAMS_UM:
        v = myelin.conduction_velocity(d, False, temperature_degC)
        fibres.append({"diam_um": d, "myelinated": False, "velocity_m_s": round(v, 4)})
    for f in fibres:
        f["class_by_velocity"] = class_by_velocity(f["velocity_m_s"])
        f["class_by_diameter"] = class_by_diameter(f["diam_um"], f["myelinated"])
    dm = np.array([f["diam_um"] for f in fibres if f["myelinated"]])
    vm = np.array([f["velocity_m_s"] for f in fibres if f["myelinated"]])
    du = np.array([f["diam_um"] for f in fibres if not f["myelinated"]])
    vu = np.array([f["velocity_m_s"] for f in fibres if not f["myelinated"]])
    slope = float(dm @ vm / (dm @ dm))
    r2 = 1.0 - float(np.sum((vm - slope * dm) ** 2) / np.sum((vm - vm.mean()) ** 2))
    expo, logc = np.polyfit(np.log(du), np.log(vu), 1)
    # the unmyelinated velocity extrapolated (power law) to the smallest myelinated diameter
    v_bare = float(np.exp(logc) * dm[0] ** expo)
    summary = {
        "fibres": fibres,
        "myelinated_slope_m_s_per_um": round(slope, 3),
        "myelinated_linear_r2": round(r2, 4),
        "hursh_m_s_per_um": HURSH_M_S_PER_UM,
        "unmyelinated_exponent": round(float(expo), 3),
        "myelin_gain_at_smallest_myelinated": round(float(vm[0] / v_bare), 1),
        "temperature_degC": temperature_degC,
    }
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 4.2))
        ax = fig.subplots()
        for name, ((dlo, dhi), (vlo, vhi), _) in FIBRE_CLASSES.items():
            ax.fill_between([dlo, dhi], vlo, vhi, alpha=0.15)
            ax.text(dlo, vhi, name, fontsize=8, va="bottom")
        ax.loglog(dm, vm, "o-", label="myelinated (simulated)")
        ax.loglog(du, vu, "s-", label="unmyelinated (simulated)")
        dd = np.array([1.0, 20.0])
        ax.loglog(dd, HURSH_M_S_PER_UM * dd, "k--", label="Hursh 1939, 6 m/s per um")
        ax.set_xlabel("fibre diameter (um)")
        ax.set_ylabel("conduction velocity (m/s)")
        ax.legend(fontsize=8)
        figures.append(("Conduction velocity against diameter, with the fibre classes (shaded)", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
