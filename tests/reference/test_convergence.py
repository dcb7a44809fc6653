"""Measured order of convergence in dt on Rallpack 1 (passive cable, 1000 compartments).

Backward Euler is first order and Crank-Nicolson second order in dt, so halving dt
should halve the BE error and quarter the CN error. Measured here against the analytic
sealed-cable series (ranvier.validation.analytic) on the steps 0.2, 0.1, 0.05 ms:

* To keep the run short the cable is simulated for 50 ms instead of 250 ms (1.25 tau: the
  transient is still well under way, so the time-stepping error is not yet decaying away).
* The error is the max |V - V_analytic| over t >= 5 ms at x = 0 and x = L, sampled every
  0.2 ms (a common multiple of the three steps). Skipping the first 5 ms leaves out the
  onset of the current step, where the solution is not smooth in time and a one-step
  method's local error is not yet in its asymptotic regime.
* The spatial error of 1000 compartments (what remains with dt -> 0) must be small next to
  the temporal errors, or the measured order would sag. It is measured first: CN at
  dt = 2.5 us against the series, ~2-3e-7 of the 100 mV signal (~3e-5 mV); the test
  requires it to be under a tenth of the smallest CN error in the sequence (~3e-4 mV).

Measured (ranvier 0.1.0): BE orders 0.97-1.00, CN orders 1.95-2.06.
"""

import numpy as np
import pytest

from ranvier.validation import rallpacks as rp

TSTOP_MS = 50.0
RECORD_DT_MS = 0.2
T_FROM_MS = 5.0
DTS_MS = (0.2, 0.1, 0.05)


def _run(method, dt):
    res = rp.rallpack1_simulation(method, dt, tstop_ms=TSTOP_MS, record_dt_ms=RECORD_DT_MS).run(progress=False)
    return res.time.values, res["v"].values


@pytest.fixture(scope="module")
def analytic():
    t = np.arange(0.0, TSTOP_MS + RECORD_DT_MS / 2, RECORD_DT_MS)
    return t, rp.passive_reference_mV(1, t)


def _errors(method, analytic):
    t_ref, ref = analytic
    late = t_ref >= T_FROM_MS
    out = []
    for dt in DTS_MS:
        t, v = _run(method, dt)
        np.testing.assert_allclose(t, t_ref, atol=1e-9)
        out.append(np.max(np.abs(v - ref)[:, late], axis=1))  # one error per end
    return np.array(out)  # (len(DTS_MS), 2)


def _orders(err):
    return np.log2(err[:-1] / err[1:])  # successive halvings of dt


@pytest.fixture(scope="module")
def cn_errors(analytic):
    return _errors("cn", analytic)


def test_spatial_error_does_not_dominate(analytic, cn_errors):
    t_ref, ref = analytic
    t, v = _run("cn", 0.0025)
    late = t_ref >= T_FROM_MS
    spatial = np.max(np.abs(v - ref)[:, late], axis=1)
    assert np.all(spatial < 0.1 * cn_errors[-1]), (spatial, cn_errors[-1])
    # and it is what a 1 um compartment should give: ~1e-6 or less of the 167 mV swing
    assert np.all(spatial / 167.0 < 1e-6)


def test_backward_euler_is_first_order(analytic):
    err = _errors("be", analytic)
    orders = _orders(err)
    assert np.all((orders >= 0.8) & (orders <= 1.2)), orders


def test_crank_nicolson_is_second_order(cn_errors):
    orders = _orders(cn_errors)
    assert np.all((orders >= 1.7) & (orders <= 2.3)), orders
