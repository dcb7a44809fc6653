"""temperature: the spike narrows and conducts faster as temperature rises, with Q10s in range.

References: Hodgkin & Katz 1949 (J Physiol 109:240, doi:10.1113/jphysiol.1949.sp004388): the squid
spike shortens roughly threefold per 10 degC; the HH rate constants have Q10 = 3 (Hodgkin & Huxley
1952). Conduction velocity has a Q10 of about 1.3-2 (squid: Chapman 1967, J Physiol 189:1P;
mammalian myelinated fibres ~1.6: Paintal 1965, J Physiol 180:20).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ranvier.errors import RanvierError
from ranvier.experiments import catalogue, get


@pytest.fixture(scope="module")
def base():
    return get("temperature").run()


def test_spike_narrows_and_speeds_up_with_warming(base):
    o, text = base
    s = o.summary
    hw, cv, mv = (np.array(s[k]) for k in ("hh_half_width_ms", "hh_velocity_m_s", "myelin_velocity_m_s"))
    assert np.all(np.diff(hw) < 0) and np.all(np.diff(cv) > 0) and np.all(np.diff(mv) > 0)
    assert 0.8 <= hw[0] <= 3.0  # the HH spike at 6.3 degC: a half-width of 1-2 ms
    assert 0.3 <= cv[0] <= 3.0  # a 5 um HH axon at 6.3 degC conducts at about 1 m/s (velocity ~ sqrt(diameter))
    assert 30.0 <= mv[1] <= 70.0  # a 10 um myelinated fibre at 37 degC: ~5-6 m/s per um (Hursh 1939)
    assert f"{hw[0]:.2f}" in text and f"{cv[-1]:.2f}" in text and f"{mv[-1]:.1f} m/s" in text


def test_q10s_are_physiological(base):
    s = base[0].summary
    assert 2.0 <= s["q10_half_width"] <= 3.5  # set by the gates' Q10 of 3
    assert 1.2 <= s["q10_velocity"] <= 2.5
    assert 1.2 <= s["q10_myelin_velocity"] <= 2.5
    assert s["q10_velocity"] < s["q10_half_width"]  # velocity also rests on passive spread
    assert f"Q10 {s['q10_half_width']:.2f}" in base[1] and f"Q10 {s['q10_velocity']:.2f}" in base[1]


def test_finding_follows_altered_numbers(base):
    ex = get("temperature")
    s2 = copy.deepcopy(base[0].summary)
    s2["hh_half_width_ms"] = [0.5, 0.6, 0.7, 0.8, 0.95]
    s2["q10_half_width"], s2["q10_velocity"] = 0.8, 0.5
    s2["hh_velocity_m_s"] = [2.0, 1.5, 1.2, 1.0, 0.5]
    s2["myelin_velocity_m_s"] = [50.0, 40.0, 30.0]
    text = ex.finding_fn(s2)
    assert "widens from 0.50 to 0.95 ms" in text and "lengthens by a factor 1.25" in text
    assert "slows down from 2.00 to 0.50 m/s" in text and "not briefer" in text
    assert "at least as much as the width" in text and "falls from 50.0 m/s" in text


def test_parameters_are_checked():
    with pytest.raises(RanvierError, match=r"axon_diam_um must be in \[1, 20\]"):
        get("temperature").run(axon_diam_um=500.0)
    with pytest.raises(RanvierError, match=r"Did you mean 'fiber_diam_um'"):
        get("temperature").run(fibre_diam_um=10.0)


def test_catalogue_lists_it():
    assert "temperature" in catalogue()
