"""compound-action-potential: a nerve's summed response, normal and demyelinated, against
published bands (each band's source next to it)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ranvier.experiments import get
from ranvier.experiments.compound_action_potential import GRID_MYELINATED_UM, population


@pytest.fixture(scope="module")
def outcome():
    return get("compound-action-potential").run()


def test_population_follows_the_published_modes():
    """Jacobs & Love (1985) Brain 108:897, doi:10.1093/brain/108.4.897: adult human sural
    myelinated fibres are bimodal, lower mode 3-5 um, upper 9-12 um."""
    my, un = population(4000, 1000, seed=3)
    hist, edges = np.histogram(my, bins=np.arange(2.0, 16.5, 1.0))
    centres = 0.5 * (edges[1:] + edges[:-1])
    lower = centres[np.argmax(np.where(centres < 7, hist, -1))]
    upper = centres[np.argmax(np.where(centres >= 7, hist, -1))]
    assert 3.0 <= lower <= 5.0 and 9.0 <= upper <= 12.0, f"modes at {lower} and {upper} um"
    assert un.min() >= 0.2 and un.max() <= 1.5  # C fibres 0.2-1.5 um (Kandel et al. 2013, Table 22-1)


def test_normal_waves_in_the_fibre_class_bands(outcome):
    s = outcome[0].summary
    a, c = s["normal"]["a_wave"], s["normal"]["c_wave"]
    # the sural nerve's A wave is carried by its large (9-12 um) fibres, A-beta by diameter:
    # 36-72 m/s (Kandel ER et al. 2013, Principles of Neural Science 5th ed., Table 22-1)
    assert 36.0 <= a["peak_velocity_m_s"] <= 72.0, f"A-wave peak velocity {a['peak_velocity_m_s']} m/s"
    assert a["onset_velocity_m_s"] >= a["peak_velocity_m_s"], a
    # C fibres conduct at 0.4-2.0 m/s (same table)
    assert 0.4 <= c["peak_velocity_m_s"] <= 2.0, f"C-wave peak velocity {c['peak_velocity_m_s']} m/s"
    assert c["peak_uV"] < a["peak_uV"], f"C wave {c['peak_uV']} uV not smaller than A wave {a['peak_uV']} uV"


def test_demyelination_lowers_and_blocks(outcome):
    """Demyelination slows and blocks conduction (Rasminsky & Sears 1972, J Physiol 227:323,
    doi:10.1113/jphysiol.1972.sp010035): the A wave loses amplitude and lasts longer (temporal
    dispersion), and the fibres that block are exactly the affected ones whose simulated fibre
    of nearest diameter (at their level of myelin) blocked."""
    s = outcome[0].summary
    assert s["amplitude_ratio"] < 1.0, s["amplitude_ratio"]
    assert s["half_width_ratio"] > 1.0, f"demyelinated A wave not wider: {s['half_width_ratio']}"
    vd = s["simulated_fibres"]["velocity_demyelinated_m_s"]
    vi = s["simulated_fibres"]["velocity_intact_m_s"]
    assert all(b is None or b < a for a, b in zip(vi, vd)), f"intact {vi} vs demyelinated {vd}"
    # recount the blocked fibres from the population and the per-diameter results
    p = s["parameters"]
    my, _ = population(int(p["n_myelinated"]), int(p["n_unmyelinated"]), int(p["seed"]))
    rng = np.random.default_rng(int(p["seed"]) + 1)
    affected = rng.random(my.size) < p["affected_fraction"]
    severe = rng.random(my.size) < 0.5
    vm = s["simulated_fibres"]["velocity_milder_m_s"]
    grid = np.array(GRID_MYELINATED_UM)
    near = np.abs(my[:, None] - grid[None, :]).argmin(axis=1)
    blocked = affected & np.where(severe, [vd[i] is None for i in near], [vm[i] is None for i in near])
    assert s["demyelinated"]["blocked_fibres"] == int(blocked.sum()) > 0


def test_finding_follows_the_numbers(outcome):
    o, text = outcome
    s = o.summary
    assert f"{s['normal']['a_wave']['peak_velocity_m_s']:.1f} m/s" in text
    s2 = copy.deepcopy(s)
    s2["half_width_ratio"] = 0.8
    s2["demyelinated"]["blocked_fibres"] = 7
    t2 = get("compound-action-potential").finding_fn(s2)
    assert "7 fibres block" in t2 and "not longer (no temporal dispersion)" in t2
