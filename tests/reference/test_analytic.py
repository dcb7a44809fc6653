"""The sealed-end cable series (ranvier.validation.analytic) against the Rallpack 1/2 reference file.

Reference: tests/data/rallpacks/rallpack12_analytic.npz, the same series summed to
convergence independently for this project (see tests/data/rallpacks/PROVENANCE.md).
Specification: Bhalla, Bilitch & Bower (1992) Trends Neurosci 15:453.
"""

from pathlib import Path

import numpy as np
import pytest

from ranvier import RanvierError
from ranvier.validation import cable_constants, sealed_cable_mV, sealed_cable_steady_mV

DATA = Path(__file__).resolve().parents[1] / "data" / "rallpacks"

# Rallpack membrane: Ra 100 ohm cm, Rm 40,000 ohm cm2, Cm 1 uF/cm2, Em -65 mV, 0.1 nA step.
MEMBRANE = dict(Ra_ohm_cm=100.0, rm_ohm_cm2=40_000.0, cm_uF_cm2=1.0, i0_nA=0.1, em_mV=-65.0)
RP1 = dict(length_um=1000.0, diam_um=1.0, **MEMBRANE)
RP2 = dict(length_um=320.0, diam_um=16.0, **MEMBRANE)  # the tree's equivalent cylinder (0.08 lambda)

# Both sides are float64 sums of the same series converged far below 1e-9 mV (ours: truncation
# bound 1e-12 mV, measured agreement ~3e-14 mV). 1e-9 mV leaves room for a different summation
# order or libm, and is still ~1e-11 of the 100 mV signal: any wrong term or constant fails it.
TOL_MV = 1e-9


@pytest.fixture(scope="module")
def ref():
    with np.load(DATA / "rallpack12_analytic.npz") as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("grid", ["full", "early"])
@pytest.mark.parametrize(
    "key, params, x_um",
    [("rp1_x0", RP1, 0.0), ("rp1_xL", RP1, 1000.0), ("rp2_root", RP2, 0.0), ("rp2_tip", RP2, 320.0)],
)
def test_series_matches_reference_file(ref, grid, key, params, x_um):
    t = ref["t_ms"] if grid == "full" else ref["early_t_ms"]
    want = ref[f"{key}_mV"] if grid == "full" else ref[f"{key}_early_mV"]
    got = sealed_cable_mV(t, x_um, **params)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL_MV)


def test_cable_constants():
    # Rallpack 1: lambda = 1 mm, tau = 40 ms, L = 1 (shared reference README)
    c1 = cable_constants(length_um=1000.0, diam_um=1.0, Ra_ohm_cm=100.0, rm_ohm_cm2=40_000.0, cm_uF_cm2=1.0,
                         i0_nA=0.1)
    assert c1.lambda_um == pytest.approx(1000.0, rel=1e-12)
    assert c1.tau_ms == pytest.approx(40.0, rel=1e-12)
    assert c1.electrotonic_length == pytest.approx(1.0, rel=1e-12)
    # I0 r_i lambda = 0.1 nA * 4 Ra/(pi d^2) * lambda = 400/pi mV
    assert c1.scale_mV == pytest.approx(400.0 / np.pi, rel=1e-12)
    # Rallpack 2: root 16 um thick, lambda = 4 mm, equivalent cylinder 0.08 lambda = 320 um
    c2 = cable_constants(length_um=320.0, diam_um=16.0, Ra_ohm_cm=100.0, rm_ohm_cm2=40_000.0, cm_uF_cm2=1.0)
    assert c2.lambda_um == pytest.approx(4000.0, rel=1e-12)
    assert c2.electrotonic_length == pytest.approx(0.08, rel=1e-12)


def test_steady_state_matches_readme():
    # Shared reference README: steady state +102.18 mV at x = 0 and +43.34 mV at x = L (given to 0.01 mV).
    v = sealed_cable_steady_mV(np.array([0.0, 1000.0]), **RP1)
    np.testing.assert_allclose(v, [102.18, 43.34], atol=0.005)
    # closed form Em + I0 r_i lambda cosh(L - X)/sinh(L) with I0 r_i lambda = 400/pi mV, L = 1
    np.testing.assert_allclose(v, -65.0 + 400.0 / np.pi * np.cosh([1.0, 0.0]) / np.sinh(1.0), rtol=1e-14)


def test_series_tends_to_steady_state():
    # After 40 time constants exp(-T) ~ 4e-18: the transient terms are gone.
    x = np.array([0.0, 250.0, 500.0, 1000.0])
    np.testing.assert_allclose(sealed_cable_mV(1600.0, x, **RP1), sealed_cable_steady_mV(x, **RP1), rtol=0,
                               atol=TOL_MV)


def test_rest_at_and_before_onset():
    t = np.array([-5.0, 0.0])
    assert np.all(sealed_cable_mV(t, 0.0, **RP1) == -65.0)
    # just after the onset the voltage has barely moved and rises monotonically at the injection site
    t = np.array([1e-4, 1e-3, 1e-2, 0.1, 1.0])
    v = sealed_cable_mV(t, 0.0, **RP1)
    assert -65.0 < v[0] < -64.5
    assert np.all(np.diff(v) > 0)


def test_series_solves_the_cable_equation():
    # tau dV/dt = lambda^2 d2V/dx2 - (V - Em) in the interior, by central differences at t = 10 ms, x = 400 um
    h_t, h_x = 1e-3, 0.5
    x, t = 400.0, 10.0
    v = lambda tt, xx: sealed_cable_mV(tt, xx, **RP1)  # noqa: E731
    dvdt = (v(t + h_t, x) - v(t - h_t, x)) / (2 * h_t)
    d2vdx2 = (v(t, x + h_x) - 2 * v(t, x) + v(t, x - h_x)) / h_x**2
    residual = 40.0 * dvdt - (1000.0**2 * d2vdx2 - (v(t, x) + 65.0))
    assert abs(residual) < 1e-3 * abs(40.0 * dvdt)


def test_broadcasting_and_errors():
    v = sealed_cable_mV(np.array([[1.0], [2.0]]), np.array([0.0, 500.0, 1000.0]), **RP1)
    assert v.shape == (2, 3)
    with pytest.raises(RanvierError, match="x_um"):
        sealed_cable_mV(1.0, 1500.0, **RP1)
    with pytest.raises(RanvierError, match="did not converge"):
        sealed_cable_mV(1e-6, 0.0, **RP1, max_terms=300)
    with pytest.raises(RanvierError, match="t_ms"):
        sealed_cable_mV(np.nan, 0.0, **RP1)
