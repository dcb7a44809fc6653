"""demyelination: progressive loss of myelin over a few internodes (multiple sclerosis).

A myelinated fibre (:func:`ranvier.myelin.myelinated_axon`) loses lamellae over a lesion of a
few consecutive internodes in its middle (:func:`ranvier.myelin.demyelinate`; the bare
internodal axolemma carries no Na+ channels, Ritchie & Rogart 1977, doi:10.1073/pnas.74.1.211).
The thinner sheath raises the internodal capacitance and leak: the spike slows, and beyond a
critical loss the node after the lesion is no longer brought to threshold (conduction block,
as in demyelinated rat root fibres: Rasminsky M, Sears TA (1972) J Physiol 227:323,
doi:10.1113/jphysiol.1972.sp010035). The critical loss is found by bisection at two
temperatures: warming shortens the nodal action potential and so its safety factor, and
lowers the critical loss (Uhthoff's phenomenon; Davis FA, Jacobson S (1971) J Neurol
Neurosurg Psychiatry 34:551, doi:10.1136/jnnp.34.5.551). The direction reported is the
one measured.
"""

from __future__ import annotations

import math

import numpy as np

from ranvier import myelin
from ranvier.errors import RanvierError
from ranvier.experiments.base import Outcome, Param, experiment

LOSSES = (0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 1.0)


def _velocity(axon0, lesion, remaining: float, between, temperature_degC: float) -> float | None:
    """Velocity across the lesion (m/s), or None on conduction block."""
    ax = myelin.demyelinate(axon0, lesion, remaining) if remaining < 1.0 else axon0
    try:
        return myelin.measure_conduction_velocity(ax, between=between, temperature_degC=temperature_degC)
    except RanvierError as e:
        if "conduction block" in str(e):
            return None
        raise


def _critical_loss(axon0, lesion, between, temperature_degC: float, iterations: int) -> tuple[float, float | None]:
    """The critical loss, bracketed: (largest loss found to conduct, smallest found to block), or
    (1, None) when even bare internodes conduct. The fraction left is halved from 1 until the spike
    blocks, then the bracket is bisected ``iterations`` times in log(fraction left): the critical
    fraction left is small (~1 %), so its resolution is relative."""
    if _velocity(axon0, lesion, 0.0, between, temperature_degC) is not None:
        return 1.0, None
    ok = 1.0  # fractions of lamellae left: ok conducts, bad blocks
    bad = 0.5
    while _velocity(axon0, lesion, bad, between, temperature_degC) is not None:
        ok, bad = bad, bad / 2.0
        if bad < 1e-6:
            return 1.0 - bad, 1.0
    for _ in range(iterations):
        mid = math.sqrt(ok * bad)
        if _velocity(axon0, lesion, mid, between, temperature_degC) is None:
            bad = mid
        else:
            ok = mid
    return 1.0 - ok, 1.0 - bad


def finding(s: dict) -> str:
    v = s["velocity_m_s"]
    losses = s["loss_fraction"]
    conducting = [(L, x) for L, x in zip(losses, v) if x is not None]
    blocked = [L for L, x in zip(losses, v) if x is None]
    mono = all(b[1] < a[1] for a, b in zip(conducting, conducting[1:]))
    t1, t2 = s["temperatures_degC"]
    c1, c2 = s["critical_loss"]
    text = (
        f"Stripping myelin from {s['lesion_internodes']} internodes of a {s['fiber_diam_um']:g}-um fibre slows "
        f"conduction across the lesion from {conducting[0][1]:.1f} m/s (intact) to {conducting[-1][1]:.1f} m/s at "
        f"{100 * conducting[-1][0]:g} % loss, {'falling monotonically' if mono else 'but not monotonically'}"
    )
    text += (f"; at {', '.join(f'{100 * L:g}' for L in blocked)} % loss the spike no longer crosses it. " if blocked
             else "; every tested loss still conducts. ")
    if c1 is None:
        text += f"At {t1:g} degC conduction survives even complete loss of the sheath. "
    else:
        text += (f"At {t1:g} degC conduction fails once more than {100 * c1:.2f} % of the lamellae are lost "
                 f"({100 * (1 - c1):.2f} % remaining); ")
    if c2 is None:
        text += f"at {t2:g} degC conduction survives even complete loss."
    else:
        if c1 is None:
            direction = "while at the lower temperature it never failed: warming makes block easier"
        elif abs(c2 - c1) <= s["critical_loss_resolution"]:
            direction = (f"the same critical loss within the bisection's resolution "
                         f"({100 * s['critical_loss_resolution']:.3f} %)")
        elif c2 < c1:
            direction = "a smaller critical loss: warming makes block easier, as in Uhthoff's phenomenon"
        else:
            direction = "a larger critical loss: here warming makes block harder, the opposite of Uhthoff's phenomenon"
        text += f"at {t2:g} degC it fails beyond {100 * c2:.2f} % ({100 * (1 - c2):.2f} % remaining), {direction}."
    return text


@experiment(
    "demyelination",
    "Demyelination and conduction block (multiple sclerosis)",
    "How does conduction slow and fail as a lesion loses its myelin, and why does warming make it worse?",
    (Param("fiber_diam_um", 10.0, "um", 2.0, 20.0, "fibre diameter"),
     Param("lesion_internodes", 3, "", 1, 7, "consecutive internodes losing myelin"),
     Param("temperature_degC", 37.0, "degC", 20.0, 42.0, "body temperature"),
     Param("warm_degC", 40.0, "degC", 20.0, 44.0, "the warmer temperature compared"),
     Param("n_nodes", 21, "", 13, 41, "nodes of the axon"),
     Param("bisection_steps", 8, "", 2, 30, "bisection steps for the critical loss, after bracketing")),
    finding,
)
def run(fiber_diam_um, lesion_internodes, temperature_degC, warm_degC, n_nodes, bisection_steps) -> Outcome:
    nn, k = int(round(n_nodes)), int(round(lesion_internodes))
    if warm_degC <= temperature_degC:  # otherwise the "warmer" axon is the same one, and the finding compares nothing
        raise RanvierError(f"warm_degC ({warm_degC:g} degC) must be above temperature_degC ({temperature_degC:g} "
                           f"degC): the experiment compares a warmed axon with one at body temperature")
    if k > nn - 5:
        raise RanvierError(f"lesion_internodes ({k}) must leave conducting fibre on both sides: at most n_nodes - 5")
    mid = (nn - 1) // 2
    lesion = list(range(mid - k // 2, mid - k // 2 + k))
    between = (max(1, lesion[0] - 3), min(nn - 2, lesion[-1] + 4))
    axon = myelin.myelinated_axon(fiber_diam_um, n_nodes=nn, temperature_degC=temperature_degC)
    vel = [_velocity(axon, lesion, 1.0 - L, between, temperature_degC) for L in LOSSES]
    if vel[0] is None:
        raise RanvierError("the intact fibre does not conduct; check the parameters")
    crit, res = [], []
    for T in (temperature_degC, warm_degC):
        ax = myelin.myelinated_axon(fiber_diam_um, n_nodes=nn, temperature_degC=T)
        lo, hi = _critical_loss(ax, lesion, between, T, int(round(bisection_steps)))
        crit.append(None if hi is None else round(0.5 * (lo + hi), 5))
        res.append(0.0 if hi is None else hi - lo)
    summary = {
        "fiber_diam_um": fiber_diam_um,
        "lesion_internodes": k,
        "loss_fraction": list(LOSSES),
        "velocity_m_s": [None if x is None else round(x, 3) for x in vel],
        "temperatures_degC": [temperature_degC, warm_degC],
        "critical_loss": crit,  # None: conducts even with the sheath gone
        "critical_loss_resolution": round(max(res), 6),  # width of the wider bisection bracket
    }
    figures = []
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 4.0))
        ax = fig.subplots()
        L = np.array([x for x, y in zip(LOSSES, vel) if y is not None])
        V = np.array([y for y in vel if y is not None])
        ax.plot(100 * L, V, "o-", label=f"{temperature_degC:g} degC")
        for c, T, st in zip(crit, (temperature_degC, warm_degC), ("--", ":")):
            if c is not None:
                ax.axvline(100 * c, ls=st, color="k", label=f"block beyond {100 * c:.2f} % at {T:g} degC")
        ax.set_xlabel("myelin lost over the lesion (%)")
        ax.set_ylabel("conduction velocity across it (m/s)")
        ax.legend(fontsize=8)
        figures.append(("Velocity falls as the lesion loses myelin, then conduction fails", fig))
    except ImportError:  # pragma: no cover
        pass
    return Outcome(summary, figures)
