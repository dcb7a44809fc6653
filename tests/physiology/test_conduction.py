"""Conduction velocity comes out of the simulation, and lands where the literature puts it.

Bars and their sources:

* Myelinated fibres, 37 degC: velocity ~6 m/s per um of fibre diameter (Hursh JB
  (1939) Am J Physiol 127:131, doi:10.1152/ajplegacy.1939.127.1.131: factor 6 for
  cat nerve fibres); accepted here: 4.5-6.5 m/s/um over 5-20 um fibres, about
  proportional to diameter (Rushton WAH (1951) J Physiol 115:101,
  doi:10.1113/jphysiol.1951.sp004655), ~100 m/s for the largest fibres.
* Unmyelinated (C) fibres, 37 degC: 0.5-2.5 m/s for 1 um, rising about as the
  square root of diameter (Gasser HS (1950) J Gen Physiol 33:651,
  doi:10.1085/jgp.33.6.651; Hodgkin AL (1954) J Physiol 125:221,
  doi:10.1113/jphysiol.1954.sp005152 for the square-root law of a uniform cable).
* Demyelination slows conduction and, when the sheath is thin enough, blocks it
  (Koles ZJ, Rasminsky M (1972) J Physiol 227:351, doi:10.1113/jphysiol.1972.sp010036;
  Waxman SG (1977) Arch Neurol 34:585, doi:10.1001/archneur.1977.00500220019003).

Numerical convergence, 10-um fibre (the numbers the tests below check, with their
measured values at the time of writing): internode 5 -> 21 compartments: -0.01 %;
paranode 15 -> 45 compartments per section: -0.3 %; dt 0.0025 -> 0.00125 ms (CN):
+0.4 %; backward Euler at 0.00125 ms is 2 % slower than CN. The simulator's usual
dt = 0.025 ms is too coarse for a myelinated fibre, whose spike crosses an internode
in ~20 us: it gives 22 % (CN) and 34 % (BE) lower velocities, and 0.0125 ms 9 % / 20 %
lower, which is why :func:`ranvier.myelin.conduction_velocity` uses 0.0025 ms.
"""

from __future__ import annotations

import numpy as np
import pytest

import ranvier as rv
from ranvier.myelin import (
    Paranode,
    conduction_velocity,
    demyelinate,
    measure_conduction_velocity,
    myelinated_axon,
)

FIBRES_UM = (5.0, 10.0, 15.0, 20.0)
C_FIBRES_UM = (0.5, 1.0, 2.0, 4.0)


@pytest.fixture(scope="module")
def myelinated_cv():
    return {D: conduction_velocity(D) for D in FIBRES_UM}


@pytest.fixture(scope="module")
def unmyelinated_cv():
    return {d: conduction_velocity(d, myelinated=False) for d in C_FIBRES_UM}


def _exponent(x, y) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


# ------------------------------------------------------------------------------ the bars


def test_myelinated_velocity_in_the_hursh_band(myelinated_cv):
    for D, v in myelinated_cv.items():
        assert 4.5 <= v / D <= 6.5, f"{D} um fibre: {v:.1f} m/s = {v / D:.2f} m/s per um"
    assert myelinated_cv[20.0] > 90.0  # ~100 m/s for the largest fibres


def test_myelinated_velocity_is_proportional_to_diameter(myelinated_cv):
    D = np.array(list(myelinated_cv))
    v = np.array(list(myelinated_cv.values()))
    assert np.all(np.diff(v) > 0)
    assert 0.9 <= _exponent(D, v) <= 1.1


def test_unmyelinated_velocity_and_square_root_law(unmyelinated_cv):
    assert 0.5 <= unmyelinated_cv[1.0] <= 2.5
    d = np.array(list(unmyelinated_cv))
    v = np.array(list(unmyelinated_cv.values()))
    assert np.all(np.diff(v) > 0)
    assert 0.4 <= _exponent(d, v) <= 0.6


def test_myelin_makes_conduction_much_faster(myelinated_cv, unmyelinated_cv):
    # a 5-um myelinated fibre (3.5-um axon) outruns a 4-um bare axon many times over
    assert myelinated_cv[5.0] > 10 * unmyelinated_cv[4.0]


def test_velocity_rises_with_temperature():
    v30, v37 = conduction_velocity(10.0, temperature_degC=30.0), conduction_velocity(10.0, temperature_degC=37.0)
    q10 = (v37 / v30) ** (10.0 / 7.0)
    assert 1.2 < q10 < 2.0  # mammalian nerve: Q10 of velocity ~1.4-1.6


# ------------------------------------------------------------------------------ convergence


def test_velocity_converges_in_space(myelinated_cv):
    base = myelinated_cv[10.0]
    fine_internode = conduction_velocity(10.0, internode_nseg=21)
    fine_paranode = conduction_velocity(10.0, paranode=Paranode(nseg=45))
    assert abs(fine_internode / base - 1.0) < 0.005
    assert abs(fine_paranode / base - 1.0) < 0.01


def test_velocity_converges_in_time(myelinated_cv):
    base = myelinated_cv[10.0]  # CN, dt = 0.0025 ms
    half = conduction_velocity(10.0, dt_ms=0.00125)
    be_half = conduction_velocity(10.0, dt_ms=0.00125, method="be")
    assert abs(half / base - 1.0) < 0.01
    assert abs(be_half / half - 1.0) < 0.03
    # dt = 0.025 ms (the usual step) is far too coarse for saltatory conduction:
    coarse = conduction_velocity(10.0, dt_ms=0.025)
    assert coarse < 0.85 * half


# ------------------------------------------------------------------------------ demyelination


@pytest.fixture(scope="module")
def axon10():
    return myelinated_axon(10.0, 21)


DEMYELINATED = range(8, 12)  # four internodes in the middle, between the recording nodes 5 and 15


def _cv_with(axon, remaining: float) -> float:
    return measure_conduction_velocity(demyelinate(axon, DEMYELINATED, remaining), between=(5, 15))


def test_demyelination_slows_conduction_monotonically(axon10):
    fractions = [1.0, 0.5, 0.2, 0.1, 0.05, 0.02]
    v = [_cv_with(axon10, f) for f in fractions]
    assert np.all(np.diff(v) < 0), dict(zip(fractions, v))
    assert v[-1] < 0.5 * v[0]


def test_demyelination_blocks_conduction_past_a_point(axon10):
    with pytest.raises(rv.RanvierError, match="conduction block"):
        _cv_with(axon10, 0.0)
    # bisect for the least sheath that still conducts
    lo, hi = 0.0, 0.05  # blocks at lo, conducts at hi
    assert _cv_with(axon10, hi) > 0
    for _ in range(6):
        mid = 0.5 * (lo + hi)
        try:
            _cv_with(axon10, mid)
            hi = mid
        except rv.RanvierError as e:
            assert "conduction block" in str(e)
            lo = mid
    assert 0.0 < hi < 0.05  # block when under a few % of the lamellae are left over 4 internodes


# ------------------------------------------------------------------------------ failures and bad input


def test_a_failed_start_is_reported():
    with pytest.raises(rv.RanvierError, match="no action potential reached node 5"):
        measure_conduction_velocity(myelinated_axon(10.0, 21), stimulus_nA=0.01)


@pytest.mark.parametrize(
    "args, kwargs, pattern",
    [
        ((-5.0,), {}, r"fiber_diam_um must be > 0 \(um\), got -5\.0"),
        ((0.0,), dict(myelinated=False), r"fiber_diam_um must be > 0 \(um\), got 0\.0"),
        ((10.0,), dict(myelinated="yes"), r"myelinated must be True or False, got 'yes'"),
        ((10.0,), dict(g_ratio=1.0), r"g_ratio must be in \(0, 1\)"),
        ((10.0,), dict(between=(15, 5)), r"between must be two node indices"),
        ((1.0,), dict(myelinated=False, length_um=-10.0), r"length_um must be > 0 \(um\), got -10\.0"),
    ],
)
def test_conduction_velocity_bad_input(args, kwargs, pattern):
    with pytest.raises(rv.RanvierError, match=pattern):
        conduction_velocity(*args, **kwargs)
