"""demyelination: velocity falls with myelin loss, conduction fails past a critical loss, warmth worsens it."""

from __future__ import annotations

import copy

import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get


@pytest.fixture(scope="module")
def outcome():
    return get("demyelination").run(n_nodes=15, bisection_steps=5)


def test_velocity_falls_and_conduction_fails(outcome):
    s = outcome[0].summary
    v = [x for x in s["velocity_m_s"] if x is not None]
    assert 40.0 <= v[0] <= 60.0  # intact 10-um fibre, ~5-6 m/s per um (Hursh 1939)
    assert all(b < a for a, b in zip(v, v[1:]))  # monotonic slowing
    assert s["velocity_m_s"][-1] is None  # bare internodes (no Na+ channels) block
    c37, c40 = s["critical_loss"]
    assert 0.5 < c37 < 1.0
    assert c40 < c37 - s["critical_loss_resolution"]  # Uhthoff's phenomenon: warming lowers the safety factor


def test_finding_follows_altered_numbers(outcome):
    o, text = outcome
    s = o.summary
    assert f"{100 * s['critical_loss'][0]:.2f} %" in text and "as in Uhthoff" in text
    s2 = copy.deepcopy(s)
    s2["critical_loss"] = [0.9, 0.95]
    t2 = get("demyelination").finding_fn(s2)
    assert "90.00 %" in t2 and "opposite of Uhthoff" in t2
    s2["critical_loss"] = [0.9, 0.9 + 0.5 * s2["critical_loss_resolution"]]
    assert "same critical loss within" in get("demyelination").finding_fn(s2)
    s2["critical_loss"] = [None, None]
    assert "survives even complete loss" in get("demyelination").finding_fn(s2)


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"fiber_diam_um must be in"):
        get("demyelination").run(fiber_diam_um=50.0)
    with pytest.raises(RanvierError, match="lesion_internodes"):
        get("demyelination").run(n_nodes=13, lesion_internodes=7.0 + 2.0)
    assert "demyelination" in catalogue()
