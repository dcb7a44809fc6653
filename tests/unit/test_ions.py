"""Tests for ranvier.constants and ranvier.ions.

Reference values are computed here from the closed forms written out by hand
(math.log, math.exp, the 2019 SI constants typed in again) so the tests do not
reuse the code they check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ranvier.constants import (
    FARADAY_C_PER_MOL,
    GAS_CONSTANT_J_PER_MOL_K,
    ZERO_CELSIUS_K,
    thermal_voltage_mV,
)
from ranvier.errors import RanvierError
from ranvier.ions import (
    DEFAULT_PERMEABILITIES,
    SPECIES,
    Concentrations,
    Ion,
    ghk_current_density_mA_cm2,
    ghk_voltage_mV,
    ion,
    nernst_mV,
    resting_potential_mV,
)

# 2019 SI exact values, typed independently of ranvier.constants.
E_CHARGE = 1.602176634e-19
N_A = 6.02214076e23
K_B = 1.380649e-23
F = E_CHARGE * N_A
R = K_B * N_A

REL = 1e-9
FAST = settings(max_examples=60, deadline=None)

concentration = st.floats(min_value=1e-5, max_value=1e3, allow_nan=False, allow_infinity=False)
temperature = st.floats(min_value=-20.0, max_value=60.0, allow_nan=False, allow_infinity=False)
charge = st.sampled_from([-2, -1, 1, 2, 3])


def vt_mV(t_degC: float) -> float:
    return 1e3 * R * (t_degC + 273.15) / F


def hand_nernst(z: int, c_in: float, c_out: float, t_degC: float) -> float:
    return 1e3 * R * (t_degC + 273.15) / (z * F) * math.log(c_out / c_in)


# ---------------------------------------------------------------- constants


def test_constants_are_exact_si_products():
    assert FARADAY_C_PER_MOL == pytest.approx(96485.33212331001, rel=1e-14)
    assert GAS_CONSTANT_J_PER_MOL_K == pytest.approx(8.31446261815324, rel=1e-14)
    assert FARADAY_C_PER_MOL == F
    assert GAS_CONSTANT_J_PER_MOL_K == R
    assert ZERO_CELSIUS_K == 273.15


def test_thermal_voltage():
    assert thermal_voltage_mV(37.0) == pytest.approx(vt_mV(37.0), rel=REL)
    assert thermal_voltage_mV(37.0) == pytest.approx(26.7267, abs=1e-4)


@pytest.mark.parametrize("bad", [-273.15, -300.0, float("nan"), float("inf"), -float("inf")])
def test_thermal_voltage_rejects_bad_temperature(bad):
    with pytest.raises(RanvierError, match="temperature_degC"):
        thermal_voltage_mV(bad)


def test_below_absolute_zero_message():
    with pytest.raises(RanvierError, match=r"temperature_degC.*-273\.15.*absolute zero"):
        thermal_voltage_mV(-300.0)


# ------------------------------------------------------------------ species


def test_species_and_lookup():
    assert ion("na") == Ion("na", 1)
    assert ion("k").charge == 1
    assert ion("cl").charge == -1
    assert ion("ca").charge == 2
    assert set(SPECIES) == {"na", "k", "cl", "ca"}


def test_unknown_ion_suggests():
    with pytest.raises(RanvierError, match=r"ion 'kk'.*Did you mean 'k'"):
        ion("kk")
    with pytest.raises(RanvierError, match=r"ion 'kk'.*Did you mean 'k'"):
        Concentrations().inside("kk")


def test_species_mapping_is_read_only():
    with pytest.raises(TypeError):
        SPECIES["mg"] = Ion("mg", 2)  # type: ignore[index]


# ------------------------------------------------------------------ nernst


def test_nernst_potassium_closed_form():
    e = nernst_mV(1, 140.0, 5.0, 37.0)
    expected = 1e3 * R * 310.15 / F * math.log(5.0 / 140.0)
    assert e == pytest.approx(expected, rel=REL)
    assert e == pytest.approx(-89.06, abs=0.01)
    assert isinstance(e, float)


def test_nernst_divalent_and_anion_closed_form():
    assert nernst_mV(2, 1e-4, 2.0, 37.0) == pytest.approx(
        hand_nernst(2, 1e-4, 2.0, 37.0), rel=REL
    )
    assert nernst_mV(-1, 10.0, 110.0, 37.0) == pytest.approx(
        hand_nernst(-1, 10.0, 110.0, 37.0), rel=REL
    )


def test_nernst_vectorised():
    c_in = np.array([140.0, 14.0, 1.4])
    e = nernst_mV(1, c_in, 5.0, 20.0)
    assert isinstance(e, np.ndarray) and e.shape == (3,)
    for got, ci in zip(e, c_in):
        assert got == pytest.approx(hand_nernst(1, float(ci), 5.0, 20.0), rel=REL)


@FAST
@given(z=charge, c_in=concentration, c_out=concentration, t=temperature)
def test_nernst_matches_closed_form(z, c_in, c_out, t):
    got = nernst_mV(z, c_in, c_out, t)
    want = hand_nernst(z, c_in, c_out, t)
    assert got == pytest.approx(want, rel=REL, abs=1e-12)


@FAST
@given(z=charge, c_in=concentration, c_out=concentration, t=temperature)
def test_nernst_swap_flips_sign(z, c_in, c_out, t):
    a = nernst_mV(z, c_in, c_out, t)
    b = nernst_mV(z, c_out, c_in, t)
    assert a == pytest.approx(-b, rel=REL, abs=1e-12)


# ------------------------------------------------------------- GHK voltage


def hand_ghk(pk, pna, pcl, c: Concentrations, t_degC: float) -> float:
    num = pk * c.k_out_mM + pna * c.na_out_mM + pcl * c.cl_in_mM
    den = pk * c.k_in_mM + pna * c.na_in_mM + pcl * c.cl_out_mM
    return vt_mV(t_degC) * math.log(num / den)


def test_ghk_voltage_closed_form():
    c = Concentrations()
    got = ghk_voltage_mV({"k": 1.0, "na": 0.05, "cl": 0.45}, c, 37.0)
    want = 1e3 * R * 310.15 / F * math.log(
        (5.0 + 0.05 * 145.0 + 0.45 * 10.0) / (140.0 + 0.05 * 12.0 + 0.45 * 110.0)
    )
    assert got == pytest.approx(want, rel=REL)


def swapped(c: Concentrations) -> Concentrations:
    return Concentrations(
        na_in_mM=c.na_out_mM,
        na_out_mM=c.na_in_mM,
        k_in_mM=c.k_out_mM,
        k_out_mM=c.k_in_mM,
        cl_in_mM=c.cl_out_mM,
        cl_out_mM=c.cl_in_mM,
        ca_in_mM=c.ca_out_mM,
        ca_out_mM=c.ca_in_mM,
    )


concentrations_st = st.builds(
    Concentrations,
    na_in_mM=concentration,
    na_out_mM=concentration,
    k_in_mM=concentration,
    k_out_mM=concentration,
    cl_in_mM=concentration,
    cl_out_mM=concentration,
)
perm = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)


@FAST
@given(c=concentrations_st, pk=perm, pna=perm, pcl=perm, t=temperature)
def test_ghk_voltage_matches_closed_form_and_flips(c, pk, pna, pcl, t):
    if pk + pna + pcl == 0 or max(pk, pna, pcl) < 1e-6:
        pk = 1.0
    perms = {"k": pk, "na": pna, "cl": pcl}
    v = ghk_voltage_mV(perms, c, t)
    assert v == pytest.approx(hand_ghk(pk, pna, pcl, c, t), rel=REL, abs=1e-9)
    assert ghk_voltage_mV(perms, swapped(c), t) == pytest.approx(-v, rel=REL, abs=1e-9)


@FAST
@given(c=concentrations_st, name=st.sampled_from(["na", "k", "cl"]),
       p=st.floats(min_value=1e-6, max_value=1e3), t=temperature)
def test_ghk_single_ion_is_nernst(c, name, p, t):
    v = ghk_voltage_mV({name: p}, c, t)
    assert v == pytest.approx(c.nernst_mV(name, t), rel=REL, abs=1e-9)
    # zero permeabilities for the others change nothing
    others = {n: 0.0 for n in ("na", "k", "cl") if n != name}
    assert ghk_voltage_mV({name: p, **others}, c, t) == pytest.approx(v, rel=REL, abs=1e-12)


def test_ghk_voltage_rejects_divalent():
    with pytest.raises(RanvierError, match=r"permeabilities\['ca'\].*monovalent"):
        ghk_voltage_mV({"k": 1.0, "ca": 0.1}, Concentrations(), 37.0)


def test_ghk_voltage_rejects_unknown_and_bad_values():
    c = Concentrations()
    with pytest.raises(RanvierError, match=r"ion 'kk'.*Did you mean 'k'"):
        ghk_voltage_mV({"kk": 1.0}, c)
    with pytest.raises(RanvierError, match=r"permeabilities\['na'\] must be >= 0"):
        ghk_voltage_mV({"k": 1.0, "na": -0.1}, c)
    with pytest.raises(RanvierError, match=r"permeabilities must have at least one value > 0"):
        ghk_voltage_mV({"k": 0.0, "na": 0.0}, c)
    with pytest.raises(RanvierError, match=r"permeabilities\['k'\] must be a finite"):
        ghk_voltage_mV({"k": float("nan")}, c)
    with pytest.raises(RanvierError, match="temperature_degC"):
        ghk_voltage_mV({"k": 1.0}, c, -280.0)


# ------------------------------------------------------------- GHK current


def hand_ghk_current(v, z, p_cm_s, c_in, c_out, t):
    """Textbook form in SI, converted to mA/cm2 at the end."""
    temp = t + 273.15
    v_si = v * 1e-3
    p_si = p_cm_s * 1e-2  # m/s
    u = z * F * v_si / (R * temp)
    j = p_si * z * z * F * F * v_si / (R * temp) * (c_in - c_out * math.exp(-u)) / (
        1.0 - math.exp(-u)
    )  # A/m2, with c in mol/m3 = mM
    return j * 0.1  # 1 A/m2 = 1e3 mA / 1e4 cm2


def test_ghk_current_closed_form_and_units():
    for v in (-80.0, -20.0, 0.5, 30.0):
        got = ghk_current_density_mA_cm2(v, 1, 1e-6, 140.0, 5.0, 37.0)
        assert got == pytest.approx(hand_ghk_current(v, 1, 1e-6, 140.0, 5.0, 37.0), rel=REL)
    got = ghk_current_density_mA_cm2(-50.0, 2, 1e-7, 1e-4, 2.0, 20.0)
    assert got == pytest.approx(hand_ghk_current(-50.0, 2, 1e-7, 1e-4, 2.0, 20.0), rel=REL)


def test_ghk_current_outward_for_potassium_at_zero():
    i0 = ghk_current_density_mA_cm2(0.0, 1, 1e-6, 140.0, 5.0, 37.0)
    assert i0 > 0
    # limit P z F (c_in - c_out), 1 mM = 1e-6 mol/cm3 -> 1e-3 mA/cm2 per unit
    assert i0 == pytest.approx(1e-6 * F * 135.0 * 1e-3, rel=REL)
    assert isinstance(i0, float)


@pytest.mark.parametrize("z", [-2, -1, 1, 2])
def test_ghk_current_continuous_through_zero(z):
    limit = 1e-3 * 1e-5 * z * F * (12.0 - 145.0)
    vs = np.array([-1e-9, 0.0, 1e-9])
    got = ghk_current_density_mA_cm2(vs, z, 1e-5, 12.0, 145.0, 37.0)
    np.testing.assert_allclose(got, limit, rtol=1e-9)
    # both sides of the series / expm1 switch agree with the exact expression
    vt = vt_mV(37.0)
    for u in (-2e-4, -1.0001e-4, -0.9999e-4, -1e-6, 1e-6, 0.9999e-4, 1.0001e-4, 2e-4):
        v = u * vt / z
        w = abs(u)
        exact = 1e-3 * 1e-5 * z * F * (w / -math.expm1(-w)) * (
            12.0 * math.exp(min(u, 0.0)) - 145.0 * math.exp(-max(u, 0.0))
        )
        assert ghk_current_density_mA_cm2(v, z, 1e-5, 12.0, 145.0, 37.0) == pytest.approx(
            exact, rel=1e-12
        )


def test_ghk_current_no_overflow_at_extreme_voltage():
    got = ghk_current_density_mA_cm2(np.array([-1e5, 1e5]), 2, 1e-6, 1e-4, 2.0, 37.0)
    assert np.all(np.isfinite(got))
    assert got[0] < 0 < got[1]


@FAST
@given(z=charge, c_in=concentration, c_out=concentration, t=temperature,
       p=st.floats(min_value=1e-9, max_value=1e-2))
def test_ghk_current_zero_at_nernst(z, c_in, c_out, t, p):
    e = nernst_mV(z, c_in, c_out, t)
    i = ghk_current_density_mA_cm2(e, z, p, c_in, c_out, t)
    # scale of each of the two terms in the driving force
    u = abs(z * e / vt_mV(t))
    w = u if u > 1e-8 else 1e-8
    scale = 1e-3 * p * abs(z) * F * (w / -math.expm1(-w)) * max(c_in, c_out)
    assert abs(i) <= 1e-9 * scale


def test_ghk_current_zero_permeability_and_bad_input():
    assert ghk_current_density_mA_cm2(-30.0, 1, 0.0, 140.0, 5.0) == 0.0
    with pytest.raises(RanvierError, match=r"permeability_cm_s must be >= 0"):
        ghk_current_density_mA_cm2(-30.0, 1, -1e-6, 140.0, 5.0)
    with pytest.raises(RanvierError, match=r"v_mV\[1\] must be a finite"):
        ghk_current_density_mA_cm2([0.0, float("nan")], 1, 1e-6, 140.0, 5.0)
    with pytest.raises(RanvierError, match=r"charge must be a non-zero"):
        ghk_current_density_mA_cm2(0.0, 0, 1e-6, 140.0, 5.0)


# ------------------------------------------------------- resting potential


def test_default_resting_potential():
    v = resting_potential_mV()
    assert -70.0 <= v <= -60.0
    assert v == pytest.approx(-64.92, abs=0.01)
    assert v == pytest.approx(hand_ghk(1.0, 0.05, 0.45, Concentrations(), 37.0), rel=REL)
    assert dict(DEFAULT_PERMEABILITIES) == {"k": 1.0, "na": 0.05, "cl": 0.45}


def test_raising_k_out_depolarises():
    base = Concentrations()
    vs = [resting_potential_mV(base.with_(k_out_mM=k)) for k in (2.0, 5.0, 10.0, 20.0, 50.0)]
    assert all(b > a for a, b in zip(vs, vs[1:]))


# ---------------------------------------------------------- concentrations


def test_defaults_and_presets():
    c = Concentrations()
    assert (c.na_in_mM, c.na_out_mM, c.k_in_mM, c.k_out_mM) == (12.0, 145.0, 140.0, 5.0)
    assert (c.cl_in_mM, c.cl_out_mM, c.ca_in_mM, c.ca_out_mM) == (10.0, 110.0, 1e-4, 2.0)
    assert Concentrations.mammalian() == c
    s = Concentrations.squid()
    assert (s.na_in_mM, s.na_out_mM, s.k_in_mM, s.k_out_mM) == (50.0, 440.0, 400.0, 20.0)
    assert (s.cl_in_mM, s.cl_out_mM, s.ca_in_mM, s.ca_out_mM) == (40.0, 560.0, 1e-4, 10.0)
    assert c.inside("k") == 140.0 and c.outside("cl") == 110.0


def test_reversal_potentials():
    c = Concentrations()
    e = c.reversal_potentials_mV(37.0)
    assert set(e) == {"na", "k", "cl", "ca"}
    assert e["k"] == pytest.approx(hand_nernst(1, 140.0, 5.0, 37.0), rel=REL)
    assert e["ca"] == pytest.approx(hand_nernst(2, 1e-4, 2.0, 37.0), rel=REL)
    assert e["cl"] == pytest.approx(hand_nernst(-1, 10.0, 110.0, 37.0), rel=REL)


def test_electroneutrality_hand_sum():
    c = Concentrations()
    assert c.impermeant_anions_in_mM == pytest.approx(12.0 + 140.0 + 2 * 1e-4 - 10.0)
    assert c.impermeant_anions_out_mM == pytest.approx(145.0 + 5.0 + 2 * 2.0 - 110.0)
    s = Concentrations.squid()
    assert s.impermeant_anions_in_mM == pytest.approx(50.0 + 400.0 + 2e-4 - 40.0)
    # sea water: Cl- exceeds the listed cations, clamped to 0, signed value reported
    assert s.net_permeant_charge_mM("out") == pytest.approx(440.0 + 20.0 + 20.0 - 560.0)
    assert s.impermeant_anions_out_mM == 0.0


def test_with_validates_and_rejects_unknown_field():
    c = Concentrations()
    d = c.with_(k_out_mM=10.0)
    assert d.k_out_mM == 10.0 and c.k_out_mM == 5.0
    with pytest.raises(RanvierError, match=r"'k_out'.*Did you mean 'k_out_mM'"):
        c.with_(k_out=10.0)
    with pytest.raises(RanvierError, match=r"k_out_mM must be > 0 \(mM\), got -1\.0"):
        c.with_(k_out_mM=-1.0)


@pytest.mark.parametrize("field", ["na_in_mM", "k_out_mM", "cl_in_mM", "ca_out_mM"])
@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        (0.0, r"must be > 0 \(mM\), got 0\.0"),
        (-1.0, r"must be > 0 \(mM\), got -1\.0"),
        (float("nan"), r"must be a finite number > 0 \(mM\), got nan"),
        (float("inf"), r"must be a finite number > 0 \(mM\), got inf"),
    ],
)
def test_bad_concentration_names_field_and_range(field, value, pattern):
    with pytest.raises(RanvierError, match=field + " " + pattern):
        Concentrations(**{field: value})


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        (0.0, r"> 0 \(mM\), got 0\.0"),
        (-1.0, r"> 0 \(mM\), got -1\.0"),
        (float("nan"), r"finite number > 0 \(mM\), got nan"),
        (float("inf"), r"finite number > 0 \(mM\), got inf"),
    ],
)
def test_nernst_bad_concentration(value, pattern):
    with pytest.raises(RanvierError, match=r"c_out_mM must be (a )?" + pattern):
        nernst_mV(1, 140.0, value, 37.0)
    with pytest.raises(RanvierError, match=r"c_in_mM\[1\] must be (a )?" + pattern):
        nernst_mV(1, np.array([140.0, value]), 5.0, 37.0)


def test_nernst_bad_charge_and_temperature():
    with pytest.raises(RanvierError, match="charge must be a non-zero"):
        nernst_mV(0, 1.0, 2.0)
    with pytest.raises(RanvierError, match="charge must be a whole number"):
        nernst_mV(1.5, 1.0, 2.0)
    with pytest.raises(RanvierError, match=r"temperature_degC.*absolute zero"):
        nernst_mV(1, 1.0, 2.0, -274.0)
    with pytest.raises(RanvierError, match=r"temperature_degC.*absolute zero"):
        Concentrations().nernst_mV("k", -274.0)
