"""Bad input fails early with a clear RanvierError.

The project rule: a value outside what the model allows raises
``ranvier.RanvierError`` naming the parameter, the value and (where there is
one) the allowed range or the closest known name, when the description is
built (or at ``Simulation`` construction), never a traceback from inside the
numerics, and nothing runs. Each test below is one bad input.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import xarray as xr

import ranvier
import ranvier.simulation as simulation_module
from ranvier import (
    Cell,
    Channel,
    Concentrations,
    Constant,
    CurrentClamp,
    Exp,
    Gate,
    Linoid,
    Morphology,
    Paint,
    Probe,
    RanvierError,
    Section,
    Sigmoid,
    Simulation,
    Site,
    VoltageClamp,
    Waveform,
    cable,
    hh_k,
    hh_leak,
    hh_na,
    leak,
)

BAD_POSITIVE = [
    pytest.param(0.0, r"> 0.*got 0\.0", id="zero"),
    pytest.param(-1.0, r"> 0.*got -1\.0", id="negative"),
    pytest.param(math.nan, r"finite.*got nan", id="nan"),
    pytest.param(math.inf, r"finite.*got inf", id="inf"),
    pytest.param("thick", r"must be a finite number > 0.*got 'thick'", id="string"),
]


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def hh_cell() -> Cell:
    """A short Hodgkin-Huxley cable (voltage-gated: dt_ms <= 0.1)."""
    return Cell(cable(100.0, 1.0, nseg=3), mechanisms=(hh_na, hh_k, hh_leak), temperature_degC=6.3)


@pytest.fixture
def passive_cell() -> Cell:
    """A short passive cable (dt_ms <= 1)."""
    return Cell(cable(100.0, 1.0, nseg=3), mechanisms=(leak(),))


@pytest.fixture
def no_numerics(monkeypatch):
    """Make any attempt to lower or integrate a model fail the test: nothing may run."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the numerics ran although the input was bad")

    for name in ("assemble", "integrate", "find_rest"):
        monkeypatch.setattr(simulation_module, name, forbidden)


def _step(site: Site) -> CurrentClamp:
    return CurrentClamp.step(site, 0.1, 1.0, 1.0)


# -- Section -------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["length_um", "diam_um", "Ra_ohm_cm", "cm_uF_cm2"])
@pytest.mark.parametrize(("value", "expected"), BAD_POSITIVE)
def test_section_rejects_non_positive_or_non_finite(field, value, expected):
    kwargs = {"length_um": 100.0, "diam_um": 1.0, field: value}
    with pytest.raises(RanvierError, match=rf"section 'a': {field}.*{expected}"):
        Section("a", **kwargs)


@pytest.mark.parametrize("field", ["length_um", "diam_um", "Ra_ohm_cm", "cm_uF_cm2"])
def test_section_states_unit_and_range(field):
    kwargs = {"length_um": 100.0, "diam_um": 1.0, field: 0}
    with pytest.raises(RanvierError, match=rf"{field} must be > 0 \(.+\), got 0"):
        Section("a", **kwargs)


@pytest.mark.parametrize("x", [-0.1, 1.5, math.nan])
def test_section_parent_x_outside_0_1(x):
    with pytest.raises(RanvierError, match=r"parent_x"):
        Section("b", 10.0, 1.0, parent="a", parent_x=x)


@pytest.mark.parametrize("nseg", [0, -3, 2.5])
def test_section_bad_nseg(nseg):
    with pytest.raises(RanvierError, match=r"nseg must be a whole number"):
        Section("a", 10.0, 1.0, nseg=nseg)


def test_section_empty_name():
    with pytest.raises(RanvierError, match=r"section name must be a non-empty string, got ''"):
        Section("", 10.0, 1.0)


def test_cable_builder_passes_bad_diameter_through():
    with pytest.raises(RanvierError, match=r"diam_um must be > 0.*got -2"):
        cable(100.0, -2.0)


# -- Concentrations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["na_in_mM", "na_out_mM", "k_in_mM", "k_out_mM", "cl_in_mM", "cl_out_mM", "ca_in_mM", "ca_out_mM"]
)
@pytest.mark.parametrize(("value", "expected"), BAD_POSITIVE)
def test_concentrations_reject_non_positive_or_non_finite(field, value, expected):
    with pytest.raises(RanvierError, match=rf"{field}.*{expected}"):
        Concentrations(**{field: value})


def test_concentrations_nan_message_states_range():
    with pytest.raises(RanvierError, match=r"k_out_mM must be a finite number > 0 \(mM\), got nan"):
        Concentrations(k_out_mM=math.nan)


def test_concentrations_with_unknown_field_suggests():
    with pytest.raises(RanvierError, match=r"unknown Concentrations field 'k_outside_mM'.*Did you mean 'k_out_mM'"):
        Concentrations().with_(k_outside_mM=5.0)


# -- Cell ----------------------------------------------------------------------------------


@pytest.mark.parametrize("t", [-273.16, -300.0, -1e6])
def test_cell_temperature_below_absolute_zero(t):
    with pytest.raises(RanvierError, match=r"temperature_degC must be >= -273\.15 degC \(absolute zero\)"):
        Cell(cable(), temperature_degC=t)


@pytest.mark.parametrize("t", [-50.0, 61.0, 100.0])
def test_cell_temperature_not_physiological(t):
    with pytest.raises(RanvierError, match=rf"temperature_degC must be in \[-20, 60\] degC.*got {t}"):
        Cell(cable(), temperature_degC=t)


@pytest.mark.parametrize(("t", "expected"), [(math.nan, r"finite.*nan"), ("warm", r"finite number.*'warm'")])
def test_cell_temperature_not_a_number(t, expected):
    with pytest.raises(RanvierError, match=rf"temperature_degC must be a {expected}"):
        Cell(cable(), temperature_degC=t)


def test_cell_unknown_ion_in_reversal_mV():
    with pytest.raises(RanvierError, match=r"unknown ion in reversal_mV 'nak'\. Did you mean 'na'\?"):
        Cell(cable(), reversal_mV={"nak": 1.0})


def test_cell_nan_reversal_potential():
    with pytest.raises(RanvierError, match=r"reversal_mV\['k'\] must be a finite number \(mV\), got nan"):
        Cell(cable(), reversal_mV={"k": math.nan})


def test_cell_morphology_wrong_type():
    with pytest.raises(RanvierError, match=r"Cell\.morphology must be a Morphology"):
        Cell(Section("a", 10.0, 1.0))


def test_paint_on_unknown_region():
    with pytest.raises(RanvierError, match=r"unknown section or region 'axn'\. Did you mean 'axon'\?"):
        Cell(cable(), mechanisms=(Paint(hh_na, "axn"),))


def test_paint_pair_on_unknown_section():
    with pytest.raises(RanvierError, match=r"unknown section or region 'cabel'\. Did you mean 'cable'\?"):
        Cell(cable(), mechanisms=((hh_na, "cabel"),))


def test_paint_wrong_channel_type():
    with pytest.raises(RanvierError, match=r"Paint\.channel must be a Channel"):
        Paint("hh_na")


def test_cell_with_unknown_field():
    with pytest.raises(RanvierError, match=r"unknown field of Cell 'temperature'.*Did you mean 'temperature_degC'"):
        Cell(cable()).with_(temperature=20.0)


# -- Mechanisms ----------------------------------------------------------------------------


def test_catalogue_unknown_mechanism_suggests():
    with pytest.raises(RanvierError, match=r"unknown mechanism 'hh_nax'\. Did you mean 'hh_na'\?"):
        ranvier.mechanisms.get("hh_nax")


def test_channel_unknown_ion_suggests():
    with pytest.raises(RanvierError, match=r"unknown ion of channel 'x' 'kk'\. Did you mean 'k'\?.*Known:"):
        Channel("x", ion="kk", gbar_S_cm2=0.01)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"gbar_S_cm2": -0.1}, r"gbar_S_cm2 must be >= 0 \(S/cm2\), got -0\.1"),
        ({"gbar_S_cm2": math.nan}, r"gbar_S_cm2 must be a finite number"),
        ({"q10": 0.0}, r"q10 must be > 0, got 0\.0"),
        ({"reference_temp_degC": -300.0}, r"reference_temp_degC must be >= -273\.15 degC"),
        ({"permeability_cm_s": -1e-5}, r"permeability_cm_s must be >= 0"),
    ],
    ids=["negative-gbar", "nan-gbar", "zero-q10", "below-absolute-zero", "negative-permeability"],
)
def test_channel_bad_numbers(kwargs, expected):
    with pytest.raises(RanvierError, match=rf"channel 'x': {expected}"):
        Channel("x", ion="k", **kwargs)


def test_channel_nonspecific_needs_reversal():
    with pytest.raises(RanvierError, match=r"nonspecific channel needs e_rev_mV"):
        Channel("x", ion="nonspecific", gbar_S_cm2=1e-4)


def test_channel_duplicate_gate_names():
    g = Gate("n", 4, inf=Sigmoid(1.0, -50.0, 10.0), tau=Constant(1.0))
    with pytest.raises(RanvierError, match=r"gate names must be unique"):
        Channel("x", ion="k", gbar_S_cm2=0.01, gates=(g, g))


def test_gate_with_both_rate_pairs():
    a, b = Linoid(1.0, -40.0, 10.0), Exp(4.0, -65.0, -18.0)
    expected = r"gate 'm' needs either alpha and beta, or inf and tau \(exactly one pair\)"
    with pytest.raises(RanvierError, match=expected):
        Gate("m", 3, alpha=a, beta=b, inf=Sigmoid(1.0, -40.0, 5.0), tau=Constant(0.5))


def test_gate_with_half_a_pair():
    with pytest.raises(RanvierError, match=r"gate 'm' needs either alpha and beta, or inf and tau"):
        Gate("m", 3, alpha=Linoid(1.0, -40.0, 10.0))


@pytest.mark.parametrize("power", [0, 9])
def test_gate_power_out_of_range(power):
    with pytest.raises(RanvierError, match=rf"gate 'm' power must be a whole number in \[1, 8\], got {power}"):
        Gate("m", power, inf=Sigmoid(1.0, -40.0, 5.0), tau=Constant(0.5))


def test_gate_power_not_whole():
    with pytest.raises(RanvierError, match=r"gate 'm' power must be a whole number in \[1, 8\], got 1\.5"):
        Gate("m", 1.5, inf=Sigmoid(1.0, -40.0, 5.0), tau=Constant(0.5))


@pytest.mark.parametrize("form", [Exp, Sigmoid, Linoid])
def test_rate_form_negative_rate(form):
    name = form.__name__
    with pytest.raises(RanvierError, match=rf"{name}\.rate must be >= 0.*got -1\.0"):
        form(-1.0, -40.0, 10.0)


@pytest.mark.parametrize("form", [Exp, Sigmoid, Linoid])
def test_rate_form_zero_scale(form):
    with pytest.raises(RanvierError, match=rf"{form.__name__}\.scale_mV must be non-zero"):
        form(1.0, -40.0, 0.0)


def test_rate_form_nan_midpoint():
    with pytest.raises(RanvierError, match=r"Exp\.midpoint_mV must be a finite number \(mV\), got nan"):
        Exp(1.0, math.nan, 10.0)


def test_constant_negative():
    with pytest.raises(RanvierError, match=r"Constant\.value must be >= 0, got -2\.0"):
        Constant(-2.0)


# -- Morphology ----------------------------------------------------------------------------


def test_morphology_cycle_without_root():
    secs = [Section("a", 10.0, 1.0, parent="b"), Section("b", 10.0, 1.0, parent="a")]
    with pytest.raises(RanvierError, match=r"cycle a -> b -> a"):
        Morphology(secs)


def test_morphology_cycle_beside_a_root():
    secs = [
        Section("soma", 10.0, 10.0),
        Section("a", 10.0, 1.0, parent="b"),
        Section("b", 10.0, 1.0, parent="a"),
    ]
    with pytest.raises(RanvierError, match=r"\['a', 'b'\] are not reachable from the root 'soma'.*cycle a -> b -> a"):
        Morphology(secs)


def test_morphology_section_is_its_own_parent():
    with pytest.raises(RanvierError, match=r"section 'a' is its own parent.*cycle"):
        Morphology([Section("r", 10.0, 1.0), Section("a", 10.0, 1.0, parent="a")])


def test_morphology_unknown_parent_suggests():
    secs = [Section("soma", 10.0, 10.0), Section("dend", 100.0, 1.0, parent="somma")]
    with pytest.raises(RanvierError, match=r"unknown parent section \(of 'dend'\) 'somma'\. Did you mean 'soma'\?"):
        Morphology(secs)


def test_morphology_duplicate_names():
    secs = [Section("soma", 10.0, 10.0), Section("dend", 100.0, 1.0, parent="soma"),
            Section("dend", 50.0, 1.0, parent="soma")]
    with pytest.raises(RanvierError, match=r"section name 'dend' is used twice; section names must be unique"):
        Morphology(secs)


def test_morphology_two_roots():
    with pytest.raises(RanvierError, match=r"exactly one root section; found 2: \['a', 'b'\]"):
        Morphology([Section("a", 10.0, 1.0), Section("b", 10.0, 1.0)])


def test_morphology_empty():
    with pytest.raises(RanvierError, match=r"at least one section"):
        Morphology([])


def test_morphology_wrong_item_type():
    with pytest.raises(RanvierError, match=r"morphology sections must be Section objects, got dict"):
        Morphology([{"name": "a"}])


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [({"max_length_um": 0.0}, r"max_length_um must be > 0"), ({"d_lambda": -0.1}, r"d_lambda must be > 0"),
     ({"frequency_Hz": math.nan}, r"frequency_Hz must be a finite number")],
)
def test_discretization_bad_values(kwargs, expected):
    with pytest.raises(RanvierError, match=expected):
        ranvier.Discretization(**kwargs)


# -- Site, stimuli and probes --------------------------------------------------------------


@pytest.mark.parametrize("x", [1.5, -0.5, math.nan])
def test_site_x_outside_0_1(x):
    with pytest.raises(RanvierError, match=r"Site\.x must be (in \[0, 1\]|a finite number)"):
        Site("cable", x)


def test_site_x_message_states_range_and_value():
    with pytest.raises(RanvierError, match=r"Site\.x must be in \[0, 1\], got 1\.5; x is a fraction"):
        Site("cable", 1.5)


@pytest.mark.parametrize("cell", [-1, 0.5, "first"])
def test_site_bad_cell_index(cell):
    with pytest.raises(RanvierError, match=r"Site\.cell must be a whole number"):
        Site("cable", 0.5, cell)


@pytest.mark.parametrize("kind", ["stimulus", "probe"])
def test_site_on_unknown_section_suggests(hh_cell, kind, no_numerics):
    site = Site("cabel", 0.5)
    where = "stimulus site" if kind == "stimulus" else "recording site"
    args = {"stimuli": (_step(site),)} if kind == "stimulus" else {"probes": (site,)}
    with pytest.raises(RanvierError, match=rf"unknown section for {where} 'cabel'\. Did you mean 'cable'\?"):
        Simulation(hh_cell, tstop_ms=5.0, **args)


@pytest.mark.parametrize("kind", ["stimulus", "probe"])
def test_site_cell_index_outside_batch(hh_cell, kind, no_numerics):
    site = Site("cable", 0.5, cell=3)
    where = "stimulus site" if kind == "stimulus" else "recording site"
    args = {"stimuli": (_step(site),)} if kind == "stimulus" else {"probes": (Probe(site, ("v",)),)}
    with pytest.raises(RanvierError, match=rf"{where} cell3/cable\(0\.5\): cell index 3 is outside the batch; "
                                           r"allowed range is \[0, 0\]"):
        Simulation([hh_cell], tstop_ms=5.0, **args)


@pytest.mark.parametrize("kind", ["stimulus", "probe"])
def test_site_x_outside_cell_when_building_stimulus_or_probe(kind):
    with pytest.raises(RanvierError, match=r"Site\.x must be in \[0, 1\], got 1\.5"):
        if kind == "stimulus":
            _step(Site("cable", 1.5))
        else:
            Probe(Site("cable", 1.5))


def test_probe_unknown_variable_suggests(hh_cell, no_numerics):
    probe = Probe(Site("cable", 0.5), ("v", "hh_na_q"))
    with pytest.raises(RanvierError, match=r"unknown variable at recording site cable\(0\.5\) 'hh_na_q'\. "
                                           r"Did you mean 'hh_na_[mh]'\?"):
        Simulation(hh_cell, probes=(probe,), tstop_ms=5.0)


def test_probe_gate_of_channel_absent_at_site(passive_cell, no_numerics):
    with pytest.raises(RanvierError, match=r"unknown variable at recording site cable\(0\.5\) 'hh_na_m'"):
        Simulation(passive_cell, probes=(Probe(Site("cable", 0.5), "hh_na_m"),), tstop_ms=5.0, dt_ms=0.5)


def test_probe_clamp_current_without_voltage_clamp(hh_cell, no_numerics):
    with pytest.raises(RanvierError, match=r"clamp_i_nA is recorded at a voltage-clamp site; there is none at cable"):
        Simulation(hh_cell, probes=(Probe(Site("cable", 0.5), "clamp_i_nA"),), tstop_ms=5.0)


@pytest.mark.parametrize("variables", [(), (3,), ("v", "")])
def test_probe_bad_variable_list(variables):
    with pytest.raises(RanvierError, match=r"Probe\.variables must"):
        Probe(Site("cable"), variables)


def test_probe_wrong_site_type():
    with pytest.raises(RanvierError, match=r"Probe\.site must be a Site, got 'cable'"):
        Probe("cable")


def test_stimulus_wrong_site_type():
    with pytest.raises(RanvierError, match=r"CurrentClamp\.site must be a Site"):
        CurrentClamp(("cable", 0.5), Waveform.constant(0.1))


@pytest.mark.parametrize(("r", "expected"), [(0.0, r"> 0 \(MOhm\), got 0\.0"), (-1.0, r"> 0 \(MOhm\), got -1\.0"),
                                            (math.nan, r"finite number > 0 \(MOhm\), got nan")])
def test_voltage_clamp_series_resistance(r, expected):
    with pytest.raises(RanvierError, match=rf"series_resistance_MOhm must be (a )?{expected}"):
        VoltageClamp(Site("cable"), Waveform.constant(-65.0), series_resistance_MOhm=r)


# -- Waveform ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("times", "values", "expected"),
    [
        ((0.0, math.nan), (0.0, 1.0), r"times_ms\[1\] must be a finite number \(no NaN or inf\), got nan"),
        ((0.0, 1.0), (0.0, math.nan), r"values\[1\] must be a finite number \(no NaN or inf\), got nan"),
        ((0.0, 1.0), (math.inf, 1.0), r"values\[0\] must be a finite number \(no NaN or inf\), got inf"),
    ],
    ids=["nan-time", "nan-value", "inf-value"],
)
def test_waveform_not_finite(times, values, expected):
    with pytest.raises(RanvierError, match=rf"waveform {expected}"):
        Waveform(times, values)


def test_waveform_decreasing_times():
    expected = r"times_ms must be non-decreasing, got times_ms\[2\] = 1 < times_ms\[1\] = 2"
    with pytest.raises(RanvierError, match=expected):
        Waveform((0.0, 2.0, 1.0), (0.0, 1.0, 0.0))


@pytest.mark.parametrize(("times", "values"), [((0.0, 1.0), (0.0,)), ((), ())])
def test_waveform_lengths(times, values):
    with pytest.raises(RanvierError, match=rf"non-empty and of equal length, got {len(times)} and {len(values)}"):
        Waveform(times, values)


def test_waveform_negative_start():
    with pytest.raises(RanvierError, match=r"times_ms must be >= 0 ms, got -1"):
        Waveform((-1.0, 1.0), (0.0, 1.0))


def test_waveform_not_numbers():
    with pytest.raises(RanvierError, match=r"times_ms and values must be sequences of numbers"):
        Waveform(("zero", "one"), (0.0, 1.0))


def test_waveform_unknown_interpolation_suggests():
    with pytest.raises(RanvierError, match=r"unknown waveform interpolation 'linaer'\. Did you mean 'linear'\?"):
        Waveform((0.0, 1.0), (0.0, 1.0), "linaer")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [({"duration_ms": 0.0}, r"duration_ms must be > 0"), ({"delay_ms": -1.0}, r"delay_ms must be >= 0"),
     ({"amplitude": math.nan}, r"amplitude must be a finite number")],
)
def test_step_waveform_bad_arguments(kwargs, expected):
    args = {"amplitude": 0.1, "delay_ms": 1.0, "duration_ms": 1.0, **kwargs}
    with pytest.raises(RanvierError, match=expected):
        Waveform.step(**args)


def test_pulse_train_width_not_below_period():
    with pytest.raises(RanvierError, match=r"width_ms must be < period_ms \(2 ms\), got 3"):
        Waveform.pulse_train(0.1, width_ms=3.0, period_ms=2.0, count=3)


# -- Simulation settings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dt", "expected"),
    [(0.0, r"dt_ms must be > 0 \(ms\), got 0\.0"), (-1.0, r"dt_ms must be > 0 \(ms\), got -1\.0"),
     (math.nan, r"dt_ms must be a finite number > 0 \(ms\), got nan"), ("small", r"dt_ms must be a finite number > 0")],
    ids=["zero", "negative", "nan", "string"],
)
def test_simulation_bad_dt(hh_cell, dt, expected, no_numerics):
    with pytest.raises(RanvierError, match=expected):
        Simulation(hh_cell, tstop_ms=5.0, dt_ms=dt)


@pytest.mark.parametrize(
    ("tstop", "expected"),
    [(0.0, r"tstop_ms must be > 0 \(ms\), got 0\.0"), (-5.0, r"tstop_ms must be > 0 \(ms\), got -5\.0"),
     (math.inf, r"tstop_ms must be a finite number > 0 \(ms\), got inf")],
    ids=["zero", "negative", "inf"],
)
def test_simulation_bad_tstop(hh_cell, tstop, expected, no_numerics):
    with pytest.raises(RanvierError, match=expected):
        Simulation(hh_cell, tstop_ms=tstop)


def test_simulation_dt_too_large_for_voltage_gated_cell(hh_cell, no_numerics):
    with pytest.raises(RanvierError, match=r"dt_ms must be in \(0, 0\.1\] ms \(voltage-gated.*\), got 0\.2"):
        Simulation(hh_cell, tstop_ms=10.0, dt_ms=0.2)


def test_simulation_dt_too_large_for_passive_cell(passive_cell, no_numerics):
    with pytest.raises(RanvierError, match=r"dt_ms must be in \(0, 1\] ms \(passive cells\), got 2"):
        Simulation(passive_cell, tstop_ms=10.0, dt_ms=2.0)


def test_simulation_dt_larger_than_tstop(passive_cell, no_numerics):
    with pytest.raises(RanvierError, match=r"dt_ms \(0\.5 ms\) must not exceed tstop_ms \(0\.2 ms\)"):
        Simulation(passive_cell, tstop_ms=0.2, dt_ms=0.5)


def test_simulation_tstop_not_whole_steps(hh_cell, no_numerics):
    with pytest.raises(RanvierError, match=r"tstop_ms = 1\.01 ms is not a whole number of steps of dt_ms = 0\.025"):
        Simulation(hh_cell, tstop_ms=1.01, dt_ms=0.025)


@pytest.mark.parametrize(
    ("rdt", "expected"),
    [(0.03, r"record_dt_ms must be a whole multiple of dt_ms \(0\.025 ms\), got 0\.03"),
     (0.01, r"record_dt_ms must be a whole multiple of dt_ms \(0\.025 ms\), got 0\.01"),
     (0.0, r"record_dt_ms must be > 0 \(ms\), got 0\.0")],
    ids=["not-multiple", "below-dt", "zero"],
)
def test_simulation_record_dt(hh_cell, rdt, expected, no_numerics):
    with pytest.raises(RanvierError, match=expected):
        Simulation(hh_cell, tstop_ms=5.0, dt_ms=0.025, record_dt_ms=rdt)


def test_simulation_unknown_method(hh_cell, no_numerics):
    with pytest.raises(RanvierError, match=r"unknown method 'rk4'\..*Known: 'be', 'cn'"):
        Simulation(hh_cell, tstop_ms=5.0, method="rk4")


def test_simulation_misspelt_method_suggests(hh_cell, no_numerics):
    with pytest.raises(RanvierError, match=r"unknown method 'cnn'\. Did you mean 'cn'\?"):
        Simulation(hh_cell, tstop_ms=5.0, method="cnn")


@pytest.mark.parametrize("v0", [-250.0, 1000.0, math.nan])
def test_simulation_v_init_out_of_range(hh_cell, v0, no_numerics):
    with pytest.raises(RanvierError, match=r"v_init_mV must be (in \[-200, 200\] mV|a finite number)"):
        Simulation(hh_cell, tstop_ms=5.0, v_init_mV=v0)


@pytest.mark.parametrize(
    ("cells", "expected"), [((), r"at least one cell"), ((cable(),), r"cells must be Cell objects")]
)
def test_simulation_bad_cells(cells, expected):
    with pytest.raises(RanvierError, match=expected):
        Simulation(cells)


def test_simulation_wrong_stimulus_and_probe_types(hh_cell):
    with pytest.raises(RanvierError, match=r"stimuli must be CurrentClamp or VoltageClamp"):
        Simulation(hh_cell, stimuli=("pulse",), tstop_ms=5.0)
    with pytest.raises(RanvierError, match=r"probes must be Probe or Site objects"):
        Simulation(hh_cell, probes=("cable",), tstop_ms=5.0)


# -- nothing runs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"dt_ms": 0.2},
        {"tstop_ms": -5.0},
        {"method": "rk4"},
        {"probes": (Probe(Site("cable"), "hh_na_q"),)},
        {"probes": (Site("cable", 0.5, cell=3),)},
        {"stimuli": (_step(Site("dend")),)},
    ],
    ids=["dt", "tstop", "method", "variable", "cell-index", "section"],
)
def test_bad_simulation_fails_at_construction_not_in_run(hh_cell, settings, no_numerics, monkeypatch):
    """The error comes from Simulation(...), so run() is never reached and no numerics start."""
    ran = []
    monkeypatch.setattr(Simulation, "run", lambda self, progress=None: ran.append(self))
    settings = {"tstop_ms": 5.0, **settings}
    with pytest.raises(RanvierError):
        Simulation(hh_cell, **settings)
    with pytest.raises(RanvierError):
        ranvier.simulate(hh_cell, **settings)
    assert ran == []


def test_good_simulation_constructs_without_running(hh_cell, no_numerics):
    """The checks above do not reject a valid description (and building it runs nothing)."""
    site = Site("cable", 0.5)
    sim = Simulation(
        hh_cell,
        stimuli=(_step(Site("cable", 0.0)), VoltageClamp(site, Waveform.constant(-65.0))),
        probes=(Probe(site, ("v", "i_na", "hh_na_m", "hh_k_n", "clamp_i_nA")), Site("cable", 1.0)),
        tstop_ms=5.0, dt_ms=0.025, record_dt_ms=0.1,
    )
    assert sim.record_dt_ms == pytest.approx(0.1)


# -- result files --------------------------------------------------------------------------


@pytest.fixture
def tiny_result() -> xr.Dataset:
    return xr.Dataset(
        {"v": (("site", "time"), np.zeros((1, 3)), {"units": "mV"})},
        coords={"time": ("time", np.arange(3) * 0.1), "site": ("site", ["cable(0.5)"])},
        attrs={"ranvier_version": ranvier.__version__},
    )


def test_load_missing_file(tmp_path):
    path = tmp_path / "nope.nc"
    with pytest.raises(RanvierError, match=rf"no result file at {re.escape(repr(str(path)))}"):
        ranvier.load(path)


def test_load_folder(tmp_path):
    with pytest.raises(RanvierError, match=r"no result file at"):
        ranvier.load(tmp_path)


@pytest.mark.parametrize("content", [b"time,v\n0,-65\n", b""], ids=["text", "empty"])
def test_load_not_netcdf(tmp_path, content):
    pytest.importorskip("h5py")
    path = tmp_path / "result.nc"
    path.write_bytes(content)
    with pytest.raises(RanvierError, match=r"result\.nc' is not a readable NetCDF result file"):
        ranvier.load(path)


def test_load_netcdf_that_is_not_a_result(tmp_path):
    pytest.importorskip("h5py")
    path = tmp_path / "other.nc"
    xr.Dataset({"temperature": ("x", np.arange(4.0))}).to_netcdf(path, engine="h5netcdf")
    with pytest.raises(RanvierError, match=r"other\.nc' is NetCDF but not a ranvier result"):
        ranvier.load(path)


@pytest.mark.parametrize("name", ["result.csv", "result", "result.h5"])
def test_save_needs_nc_suffix(tmp_path, tiny_result, name):
    with pytest.raises(RanvierError, match=r"result files are NetCDF; the path must end in \.nc"):
        ranvier.save(tiny_result, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_save_to_missing_folder(tmp_path, tiny_result):
    folder = tmp_path / "missing"
    with pytest.raises(RanvierError, match=rf"the folder {re.escape(repr(str(folder)))} does not exist"):
        ranvier.save(tiny_result, folder / "result.nc")
    assert not folder.exists()


def test_save_wrong_type(tmp_path):
    with pytest.raises(RanvierError, match=r"save expects an xarray Dataset.*got dict"):
        ranvier.save({"v": [1, 2]}, tmp_path / "r.nc")
    assert list(tmp_path.iterdir()) == []


def test_save_load_round_trip_of_valid_result(tmp_path, tiny_result):
    """Control: the checks above reject only bad files."""
    pytest.importorskip("h5py")
    path = ranvier.save(tiny_result, tmp_path / "ok.nc")
    back = ranvier.load(path)
    xr.testing.assert_identical(back, tiny_result)


# -- gates that could never move (found by the kernel twins: they divided by zero in the kernel) --


def test_gate_with_zero_time_constant_is_refused():
    from ranvier import Constant, Gate, Sigmoid

    with pytest.raises(RanvierError, match=r"gate 'x' tau must be > 0 ms"):
        Gate("x", 1, inf=Sigmoid(1.0, -40.0, 5.0), tau=Constant(0.0))


def test_gate_with_both_rates_zero_is_refused():
    from ranvier import Constant, Gate

    with pytest.raises(RanvierError, match=r"gate 'x' needs alpha \+ beta > 0"):
        Gate("x", 1, alpha=Constant(0.0), beta=Constant(0.0))


# -- synapses and receptors ----------------------------------------------------------------


def test_synapse_outside_the_cell_is_refused_before_anything_runs(no_numerics):
    import ranvier as rv

    cell = rv.Cell(rv.soma_dendrites_axon(), mechanisms=[*rv.ion_leak()])
    syn = rv.Synapse(rv.AMPA, rv.Site("dend7", 0.5), 0.001, rv.SpikeTrain((1.0,)))
    with pytest.raises(RanvierError, match=r"section for synapse 0 site 'dend7'.*Did you mean"):
        rv.Simulation(cell, synapses=[syn], tstop_ms=5.0)
    other = rv.Synapse(rv.AMPA, rv.Site("dend0", 0.5, cell=2), 0.001, rv.SpikeTrain((1.0,)))
    with pytest.raises(RanvierError, match=r"cell index 2 is outside the batch; allowed range is \[0, 0\]"):
        rv.Simulation(cell, synapses=[other], tstop_ms=5.0)


def test_terminal_without_a_calcium_pool_is_refused(no_numerics):
    import ranvier as rv

    cell = rv.Cell(rv.soma_dendrites_axon(), mechanisms=[*rv.ion_leak()])
    syn = rv.Synapse(rv.AMPA, rv.Site("dend0", 0.5), 0.001, rv.Terminal(rv.Site("axon", 1.0)))
    with pytest.raises(RanvierError, match=r"terminal at axon\(1\) has no CalciumPool"):
        rv.Simulation(cell, synapses=[syn], tstop_ms=5.0)


@pytest.mark.parametrize(("field", "value", "match"), [
    ("alpha_per_mM_ms", -1.0, r"alpha_per_mM_ms must be > 0"),
    ("beta_per_ms", 0.0, r"beta_per_ms must be > 0"),
    ("ion_shares", {"xx": 1.0}, r"unknown ion of receptor 'ampa' 'xx'"),
])
def test_receptor_rates_and_ions_are_checked(field, value, match):
    import ranvier as rv

    with pytest.raises(RanvierError, match=match):
        rv.AMPA.with_(**{field: value})


@pytest.mark.parametrize("g", [0.0, 1.0, -0.2, 1.5, float("nan")])
def test_g_ratio_outside_zero_one_is_refused(g):
    from ranvier.myelin import Myelin

    with pytest.raises(RanvierError, match=r"g_ratio"):
        Myelin(g_ratio=g)


def test_negative_synaptic_conductance_and_spike_times_are_refused():
    import ranvier as rv

    with pytest.raises(RanvierError, match=r"gmax_uS must be >= 0"):
        rv.Synapse(rv.AMPA, rv.Site("soma"), -0.001, rv.SpikeTrain((1.0,)))
    with pytest.raises(RanvierError, match=r"SpikeTrain.times_ms must be finite and >= 0"):
        rv.SpikeTrain((-1.0,))
