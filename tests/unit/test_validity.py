"""Every analysis output checks its own validity (issue 10, part 3).

The seed-circuit summary is fed synthetic recordings whose truth is known by construction
(spikes as Gaussian bumps of a chosen time and height), so that each check is tested against
that construction, not against ranvier's own output: an undershoot that stays above rest, a
velocity from a spike that never reached the far node and an EPSP that contains spikes come out
as None with the reason in ``not_measured``; the valid cases give the constructed numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from ranvier.circuit_summary import format_circuit_summary, summarize_circuit
from ranvier.site import Site

DT = 0.005
T = np.arange(0.0, 30.0, DT)
REST = -70.0
NODE_SPACING_UM = 500.0


def spike(t0: float, height: float = 110.0, width: float = 0.2) -> np.ndarray:
    return height * np.exp(-(((T - t0) / width) ** 2))


def sites() -> dict[str, Site]:
    s = {"dendrite": Site("d2_0", 0.5), "soma": Site("soma", 0.5), "ais": Site("ais", 0.9),
         "terminal": Site("terminal", 0.5)}
    for k in range(5):
        s[f"node{k}"] = Site(f"ax_node{k}", 0.5)
    s["b_dendrite"] = Site("d2_0", 0.5, cell=1)
    s["b_soma"] = Site("soma", 0.5, cell=1)
    return s


def dataset(traces: dict[str, np.ndarray]) -> xr.Dataset:
    """A result with the layout Simulation.run gives: v (site, time), v_rest_mV and distance per site."""
    ss = sites()
    labels = [ss[k].label for k in ss]
    v = np.stack([REST + traces.get(k, np.zeros_like(T)) for k in ss])
    dist = [k_dist(k) for k in ss]
    return xr.Dataset(
        {"v": (("site", "time"), v), "v_rest_mV": ("site", np.full(len(labels), REST)),
         "temperature_degC": ("site", np.full(len(labels), 37.0))},
        coords={"site": labels, "time": T, "distance_um": ("site", dist)},
        attrs={"dt_ms": DT},
    )


def k_dist(key: str) -> float:
    return NODE_SPACING_UM * int(key[4:]) if key.startswith("node") else 0.0


def summary(traces):
    return summarize_circuit(dataset(traces), sites(), {"na": 60.0, "k": -90.0})


def test_an_undershoot_below_rest_is_measured():
    after = -5.0 * np.exp(-np.clip(T - 5.5, 0, None) / 2.0) * (T > 5.5)  # 5 mV below rest after the spike
    s = summary({"soma": spike(5.0) + after})
    assert s["first_ap"]["undershoot_mV"] == pytest.approx(REST - 5.0, abs=0.2)
    assert "first_ap.undershoot_mV" not in s["not_measured"]


def test_an_undershoot_above_rest_is_reported_as_none_with_the_reason():
    # a burst: after the first spike the soma stays 20 mV above rest (the "undershoot" of +54 mV)
    plateau = 20.0 * ((T > 5.2) & (T < 15.0))
    s = summary({"soma": spike(5.0) + plateau + spike(8.0)})
    assert s["first_ap"]["undershoot_mV"] is None
    why = s["not_measured"]["first_ap.undershoot_mV"]
    assert "above rest" in why and "-50.0 mV" in why and "-70.0 mV" in why
    assert "n/a: first_ap.undershoot_mV" in format_circuit_summary(s)


def test_a_velocity_from_a_spike_that_propagated_is_distance_over_time():
    nodes = {f"node{k}": spike(5.0 + 0.05 * k) for k in range(5)}  # 500 um per 0.05 ms = 10 m/s
    s = summary({"soma": spike(4.8), **nodes})
    assert s["conduction"]["velocity_m_s"] == pytest.approx(10.0, rel=1e-3)
    assert "conduction.velocity_m_s" not in s["not_measured"]


def test_a_spike_that_did_not_propagate_gives_no_velocity():
    nodes = {"node0": spike(5.0), "node1": spike(5.05)}  # blocked after node 1 (a demyelinated lesion)
    s = summary({"soma": spike(4.8), **nodes})
    assert s["conduction"]["velocity_m_s"] is None
    assert "did not propagate" in s["not_measured"]["conduction.velocity_m_s"]
    assert "ax_node3(0.5) never did" in s["not_measured"]["conduction.velocity_m_s"]


def test_a_far_node_firing_first_is_not_a_velocity():
    nodes = {"node1": spike(6.0), "node3": spike(5.0)}
    s = summary({"soma": spike(4.8), **nodes})
    assert s["conduction"]["velocity_m_s"] is None
    assert "before" in s["not_measured"]["conduction.velocity_m_s"]


def test_an_epsp_is_measured_when_neuron_b_does_not_fire():
    bump = 6.0 * np.exp(-(((T - 10.0) / 2.0) ** 2))
    s = summary({"terminal": spike(9.0), "b_dendrite": bump, "b_soma": 0.5 * bump})
    assert s["neuron_b"]["epsp_dendrite_mV"] == pytest.approx(6.0, abs=0.01)
    assert s["neuron_b"]["epsp_soma_mV"] == pytest.approx(3.0, abs=0.01)


def test_an_epsp_containing_spikes_is_not_an_amplitude():
    bump = 10.0 * np.exp(-(((T - 10.0) / 2.0) ** 2))
    s = summary({"terminal": spike(9.0), "b_dendrite": bump + spike(10.5), "b_soma": bump + spike(10.6)})
    assert s["neuron_b"]["epsp_soma_mV"] is None and s["neuron_b"]["epsp_dendrite_mV"] is None
    assert "fired 1 spike(s)" in s["not_measured"]["neuron_b.epsp_soma_mV"]
    assert s["neuron_b"]["spike_count"] == 1


def test_the_python_summary_checks_its_afterhyperpolarisation_and_velocity():
    """ranvier.summary.summarize (the API's summary) applies the same checks."""
    from ranvier.summary import summarize

    labels = ["soma(0.5)", "axon(0.2)", "axon(0.8)"]
    plateau = 20.0 * ((T > 5.2) & (T < 15.0))  # after the spike the soma stays above rest
    v = np.stack([REST + spike(5.0) + plateau, REST + spike(5.2), np.full_like(T, REST)])  # never reaches b
    ds = xr.Dataset({"v": (("site", "time"), v), "v_rest_mV": ("site", np.full(3, REST)),
                     "temperature_degC": ("site", np.full(3, 37.0))},
                    coords={"site": labels, "time": T, "distance_um": ("site", [0.0, 200.0, 800.0])},
                    attrs={"dt_ms": DT, "method": "cn"})
    s = summarize(ds, *labels, {"na": 60.0})
    assert s["first_ap"]["afterhyperpolarisation_mV"] is None
    assert "above rest" in s["not_measured"]["first_ap.afterhyperpolarisation_mV"]
    assert s["conduction_velocity_m_s"] is None and "conduction_velocity_m_s" in s["not_measured"]
