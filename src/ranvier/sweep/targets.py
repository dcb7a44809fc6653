"""Registered sweep targets: models built to be swept, batched and measured.

``myelin-and-diameter``: one myelinated fibre per point (the MRG-based fibre of
:func:`ranvier.myelin.myelinated_axon`), every internode keeping ``myelin_fraction`` of its
lamellae (:func:`ranvier.myelin.demyelinate`), stimulated at node 0; the conduction
velocity is timed between nodes a quarter of the way in from each end (as
:func:`ranvier.myelin.measure_conduction_velocity` does). Internode length scales with
fibre diameter (100 x D), so the time to cross an internode hardly depends on diameter and
one duration serves every point: all points of a sweep share settings and compartments, and
run as one batch in lanes.
"""

from __future__ import annotations

import numpy as np

from ranvier.experiments.base import Param
from ranvier.sweep.target import Target

CROSS_THRESHOLD_MV = -20.0


def _conduction_build(fiber_diam_um, myelin_fraction, g_ratio, temperature_degC, n_nodes, dt_ms):
    from ranvier import myelin
    from ranvier.probe import Probe
    from ranvier.simulation import Simulation
    from ranvier.site import Site
    from ranvier.stimulus import CurrentClamp

    n = int(round(n_nodes))
    ax = myelin.myelinated_axon(fiber_diam_um, n, g_ratio=g_ratio, temperature_degC=temperature_degC)
    if myelin_fraction < 1.0:
        ax = myelin.demyelinate(ax, range(n - 1), myelin_fraction)
    a, b = n // 4, n - 1 - n // 4
    stim = CurrentClamp.step(Site(ax.node_names[0], 0.5), 1.0 * fiber_diam_um, 0.1, 0.1)
    tstop = 0.2 + 0.2 * (n - 1)  # 10x the ~18 us per internode of an intact fibre
    tstop = round(tstop / dt_ms) * dt_ms
    return Simulation(ax.cell(temperature_degC=temperature_degC), [stim],
                      [Probe(Site(ax.node_names[a], 0.5), ("v",)), Probe(Site(ax.node_names[b], 0.5), ("v",))],
                      tstop_ms=tstop, dt_ms=dt_ms)


def _conduction_measure(result, **_params) -> dict[str, float]:
    from ranvier.analysis.spikes import spike_times

    t = result["time"].values
    va, vb = result["v"].values
    ta = spike_times(t, va, CROSS_THRESHOLD_MV)
    tb = spike_times(t, vb, CROSS_THRESHOLD_MV)
    dist_um = float(result["distance_um"].values[1] - result["distance_um"].values[0])
    ok = ta.size > 0 and tb.size > 0 and tb[-1] > ta[0]
    tb1 = tb[tb > ta[0]][0] if ok else np.nan
    return {
        "velocity_m_s": dist_um * 1e-3 / (tb1 - ta[0]) if ok else np.nan,
        "conducted": float(ok),
        "latency_ms": float(tb1 - ta[0]) if ok else np.nan,
        "v_peak_mV": float(vb.max()),
    }


CONDUCTION = Target(
    name="myelin-and-diameter",
    build=_conduction_build,
    measure=_conduction_measure,
    params=(
        Param("fiber_diam_um", 10.0, "um", 1.0, 25.0, "fibre diameter"),
        Param("myelin_fraction", 1.0, "", 0.0, 1.0, "fraction of the lamellae left on every internode"),
        Param("g_ratio", 0.7, "", 0.4, 0.9, "axon diameter / fibre diameter"),
        Param("temperature_degC", 37.0, "degC", 20.0, 42.0, "temperature"),
        Param("n_nodes", 11, "", 7, 41, "nodes of the fibre"),
        Param("dt_ms", 0.0025, "ms", 0.0005, 0.01, "time step"),
    ),
    units={"velocity_m_s": "m/s", "conducted": "1 if the spike reached the far node", "latency_ms": "ms",
           "v_peak_mV": "mV"},
    description="Conduction velocity of one myelinated fibre (MRG-based) per point",
)

TARGETS: dict[str, Target] = {CONDUCTION.name: CONDUCTION}
