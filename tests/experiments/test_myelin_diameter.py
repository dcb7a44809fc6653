"""myelin-and-diameter: linear velocity for myelinated fibres near Hursh, sqrt for unmyelinated, classes."""

from __future__ import annotations

import copy

import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get


@pytest.fixture(scope="module")
def outcome():
    return get("myelin-and-diameter").run(n_nodes=11)


def test_velocities_are_physiological(outcome):
    s = outcome[0].summary
    # Hursh 1939: ~6 m/s per um; models and later measurements give 4.5-6 (accept 3.5-7)
    assert 3.5 <= s["myelinated_slope_m_s_per_um"] <= 7.0
    assert s["myelinated_linear_r2"] > 0.98
    assert 0.4 <= s["unmyelinated_exponent"] <= 0.6  # cable theory: v ~ sqrt(d)
    un = [f for f in s["fibres"] if not f["myelinated"] and f["diam_um"] >= 0.5]
    assert all(0.3 <= f["velocity_m_s"] <= 2.5 for f in un)  # C fibres 0.4-2 m/s (Kandel et al. 2013)
    big = [f for f in s["fibres"] if f["myelinated"] and f["diam_um"] >= 16.0]
    assert all(f["class_by_velocity"] == "A-alpha" for f in big)
    assert s["myelin_gain_at_smallest_myelinated"] > 5.0


def test_finding_follows_altered_numbers(outcome):
    o, text = outcome
    s = o.summary
    assert f"{s['myelinated_slope_m_s_per_um']:.2f} m/s per um" in text
    s2 = copy.deepcopy(s)
    s2["myelinated_slope_m_s_per_um"] = 7.5
    s2["unmyelinated_exponent"] = 1.0
    t2 = get("myelin-and-diameter").finding_fn(s2)
    assert "7.50 m/s per um" in t2 and "faster than Hursh" in t2 and "unlike the square root" in t2


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"g_ratio must be in"):
        get("myelin-and-diameter").run(g_ratio=0.99)
    assert "myelin-and-diameter" in catalogue()
