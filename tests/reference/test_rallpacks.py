"""Rallpacks 1-3 (Bhalla, Bilitch & Bower 1992, Trends Neurosci 15:453): every bar of the issue.

References (tests/data/rallpacks, see PROVENANCE.md there):
* Rallpacks 1 and 2: the analytic sealed-cable series (ranvier.validation.analytic, checked
  against rallpack12_analytic.npz in test_analytic.py and again below).
* Rallpack 3: rallpack3_reference.npz, NEURON 9.0.2 at 3000 compartments, CN at 1 us for
  voltages, Richardson-extrapolated BE for spike times (18 spikes at x = 0, 17 at x = L).
* NEURON's own backward Euler at dt = 50 us: neuron_rallpack3_be_dt50us.json, made by
  make_neuron_be_reference.py with NEURON 9.0.2.
* NEURON's passive errors quoted in comments: the shared reference README's table
  "What NEURON 9.0.2 achieves on the original discretisation".
"""

import json
from pathlib import Path

import numpy as np
import pytest

import ranvier as rv
from ranvier.analysis import spike_times
from ranvier.validation import ValidationReport, validate
from ranvier.validation import rallpacks as rp
from ranvier.validation.data import reference_dir
from ranvier.validation.report import _row

DATA = Path(__file__).resolve().parents[1] / "data" / "rallpacks"
ROUNDOFF_SLACK_MS = 1e-3  # allowed above NEURON's BE error: round-off between two BE codes (~1e-10 ms here)


# ------------------------------------------------------------------------------ runs (once per module)
def _passive(pack, method):
    sim = rp.rallpack1_simulation(method, 0.05) if pack == 1 else rp.rallpack2_simulation(method, 0.05)
    res = sim.run(progress=False)
    t = res.time.values
    ref = rp.passive_reference_mV(pack, t)
    return t, res["v"].values, ref


@pytest.fixture(scope="module")
def rp1_be():
    return _passive(1, "be")


@pytest.fixture(scope="module")
def rp1_cn():
    return _passive(1, "cn")


@pytest.fixture(scope="module")
def rp2_be():
    return _passive(2, "be")


@pytest.fixture(scope="module")
def rp2_cn():
    return _passive(2, "cn")


def _rel_rms(v, ref):
    return np.sqrt(np.mean((v - ref) ** 2)) / np.max(np.abs(ref + 65.0))


def _max_err_after_1ms(t, v, ref):
    return np.max(np.abs(v - ref)[t > 1.0])


@pytest.fixture(scope="module")
def rp3_ref():
    with np.load(DATA / "rallpack3_reference.npz") as f:
        return f["spikes_x0_ms"], f["spikes_xL_ms"]


@pytest.fixture(scope="module")
def neuron_be():
    d = json.loads((DATA / "neuron_rallpack3_be_dt50us.json").read_text())
    return np.array(d["spikes_x0_ms"]), np.array(d["spikes_xL_ms"])


def _rp3_spikes(method, dt):
    res = rp.rallpack3_simulation(method, dt).run(progress=False)
    t, v = res.time.values, res["v"].values
    return spike_times(t, v[0], -20.0), spike_times(t, v[1], -20.0)


@pytest.fixture(scope="module")
def rp3_be():
    return _rp3_spikes("be", 0.05)


@pytest.fixture(scope="module")
def rp3_cn():
    return _rp3_spikes("cn", 0.025)


@pytest.fixture(scope="module")
def report():
    return validate()


# ------------------------------------------------------------------------------ the problems themselves
def test_problem_definitions():
    cell1 = rp.rallpack1_cell()
    sec = cell1.morphology.section("cable")
    assert (sec.length_um, sec.diam_um, sec.nseg, sec.Ra_ohm_cm, sec.cm_uF_cm2) == (1000.0, 1.0, 1000, 100.0, 1.0)
    cell2 = rp.rallpack2_cell()
    assert len(cell2.morphology.sections) == 1023
    root, tip = cell2.morphology.section("b0_0"), cell2.morphology.section("b9_511")
    assert (root.length_um, root.diam_um) == (32.0, 16.0)
    # 3/2 rule: tip diameter 16 * 2^(-18/3), length 32 * 2^(-9/3)
    assert tip.diam_um == pytest.approx(16.0 * 2.0**-6) and tip.length_um == pytest.approx(4.0)
    sim2 = rp.rallpack2_simulation()
    assert [p.site for p in sim2.probes] == [rv.Site("b0_0", 0.0), rv.Site("b9_511", 1.0)]
    cell3 = rp.rallpack3_cell()
    assert [p.channel.name for p in cell3.mechanisms][:2] == ["hh_na", "hh_k"]
    assert cell3.temperature_degC == 6.3


def test_reference_data_are_the_documented_files(rp3_ref):
    # PROVENANCE.md / README: 18 spikes at x = 0 (the last at 248.34 ms) and 17 at x = L
    assert len(rp3_ref[0]) == 18 and len(rp3_ref[1]) == 17
    assert rp3_ref[0][-1] == pytest.approx(248.34, abs=0.005)
    # ranvier finds the same files (the repository folder in a checkout, packaged data in a wheel)
    for name in ("rallpack12_analytic.npz", "rallpack3_reference.npz", "neuron_rallpack3_be_dt50us.json"):
        assert (reference_dir() / name).read_bytes() == (DATA / name).read_bytes()


# ------------------------------------------------------------------------------ Rallpack 1, backward Euler
# Bar: relative RMS <= 2e-4 at both ends (NEURON 9.0.2 BE, dt 50 us, 1000 comps: 1.6e-4 at x=0, 1.5e-4 at x=L)
@pytest.mark.parametrize("k", [0, 1], ids=["x=0", "x=L"])
def test_rp1_be_relative_rms(rp1_be, k):
    t, v, ref = rp1_be
    assert _rel_rms(v[k], ref[k]) <= 2e-4


# Bar: max |error| after the first 1 ms <= 0.2 mV at both ends (NEURON BE: 0.145 mV at x=0)
@pytest.mark.parametrize("k", [0, 1], ids=["x=0", "x=L"])
def test_rp1_be_max_error_after_1ms(rp1_be, k):
    t, v, ref = rp1_be
    assert _max_err_after_1ms(t, v[k], ref[k]) <= 0.2


# ------------------------------------------------------------------------------ Rallpack 2, backward Euler
# Bar: relative RMS <= 2e-4 at root and tip (NEURON BE, dt 50 us: 1.2e-4 at both)
@pytest.mark.parametrize("k", [0, 1], ids=["root", "tip"])
def test_rp2_be_relative_rms(rp2_be, k):
    t, v, ref = rp2_be
    assert _rel_rms(v[k], ref[k]) <= 2e-4


# ------------------------------------------------------------------------------ Rallpacks 1 and 2, Crank-Nicolson
# Bar (ours): a tenth of the BE bars at the same dt, since CN is second order. The spatial error of the
# fixed discretisation is ~2e-7 on Rallpack 1 and ~1.1e-5 on Rallpack 2 (10 one-compartment levels),
# both below it. NEURON's CN: 4.8e-4 at x=0 (ringing after the step onset), 2.3e-7 at x=L.
@pytest.mark.parametrize("k", [0, 1], ids=["x=0", "x=L"])
def test_rp1_cn(rp1_cn, k):
    t, v, ref = rp1_cn
    assert _rel_rms(v[k], ref[k]) <= 2e-5
    assert _max_err_after_1ms(t, v[k], ref[k]) <= 0.02


@pytest.mark.parametrize("k", [0, 1], ids=["root", "tip"])
def test_rp2_cn(rp2_cn, k):
    t, v, ref = rp2_cn
    assert _rel_rms(v[k], ref[k]) <= 2e-5


def test_passive_reference_is_the_file():
    # the analytic series used above is the file's (test_analytic.py checks each trace to 1e-9 mV)
    with np.load(DATA / "rallpack12_analytic.npz") as f:
        t = f["t_ms"]
        np.testing.assert_allclose(rp.passive_reference_mV(1, t), [f["rp1_x0_mV"], f["rp1_xL_mV"]], atol=1e-9, rtol=0)
        np.testing.assert_allclose(rp.passive_reference_mV(2, t), [f["rp2_root_mV"], f["rp2_tip_mV"]], atol=1e-9,
                                   rtol=0)


# ------------------------------------------------------------------------------ Rallpack 3, backward Euler vs NEURON
# Bar: at dt = 50 us, spike-count difference and the largest error over the first five spikes no larger than
# NEURON 9.0.2's backward Euler at the same dt and discretisation (neuron_rallpack3_be_dt50us.json: 17 spikes at
# x=0, one fewer than the reference; first-five error 0.652 ms at x=0, 0.696 ms at x=L).
@pytest.mark.parametrize("k", [0, 1], ids=["x=0", "x=L"])
def test_rp3_be_spike_count_no_worse_than_neuron(rp3_be, rp3_ref, neuron_be, k):
    assert abs(len(rp3_be[k]) - len(rp3_ref[k])) <= abs(len(neuron_be[k]) - len(rp3_ref[k]))


@pytest.mark.parametrize("k", [0, 1], ids=["x=0", "x=L"])
def test_rp3_be_first_five_no_worse_than_neuron(rp3_be, rp3_ref, neuron_be, k):
    ours = np.max(np.abs(rp3_be[k][:5] - rp3_ref[k][:5]))
    theirs = np.max(np.abs(neuron_be[k][:5] - rp3_ref[k][:5]))
    assert ours <= theirs + ROUNDOFF_SLACK_MS


# ------------------------------------------------------------------------------ Rallpack 3, Crank-Nicolson
# Bar: at dt = 25 us, the first five spikes within 0.05 ms of the reference at both ends and the same number of
# spikes in 250 ms (reference: 18 at x=0, 17 at x=L).
@pytest.mark.parametrize("k", [0, 1], ids=["x=0", "x=L"])
def test_rp3_cn_first_five_within_50us(rp3_cn, rp3_ref, k):
    assert len(rp3_cn[k]) >= 5
    assert np.max(np.abs(rp3_cn[k][:5] - rp3_ref[k][:5])) <= 0.05


@pytest.mark.parametrize("k", [0, 1], ids=["x=0", "x=L"])
def test_rp3_cn_same_spike_count(rp3_cn, rp3_ref, k):
    assert len(rp3_cn[k]) == len(rp3_ref[k])


# ------------------------------------------------------------------------------ validate()
EXPECTED_GATED = {
    ("Rallpack 1", "analytic", "both", "max |series - file|"),
    ("Rallpack 2", "analytic", "both", "max |series - file|"),
    *{("Rallpack 1", m, s, metric) for m in ("be", "cn") for s in ("x=0", "x=L")
      for metric in ("relative RMS", "max |err|, t > 1 ms")},
    *{("Rallpack 2", m, s, "relative RMS") for m in ("be", "cn") for s in ("root", "tip")},
    *{("Rallpack 3", m, s, metric) for m in ("be", "cn") for s in ("x=0", "x=L")
      for metric in ("|count - reference|", "max |err|, 5 spikes")},
}


def test_validate_passes_with_expected_rows(report):
    assert isinstance(report, ValidationReport)
    gated = {(r.case, r.method, r.site, r.metric) for r in report.rows if r.tolerance is not None}
    assert gated == EXPECTED_GATED
    assert report.passed, "\n" + report.to_table()
    assert report.cases == ("rallpack1", "rallpack2", "rallpack3")


def test_validate_rows_carry_tolerances_and_neuron_values(report):
    rows = {(r.case, r.method, r.site, r.metric): r for r in report.rows}
    r = rows[("Rallpack 1", "be", "x=0", "relative RMS")]
    assert (r.dt_ms, r.tolerance, r.neuron) == (0.05, 2e-4, 1.6e-4)
    r = rows[("Rallpack 1", "be", "x=0", "max |err|, t > 1 ms")]
    assert (r.tolerance, r.neuron) == (0.2, 0.145)
    r = rows[("Rallpack 3", "be", "x=0", "max |err|, 5 spikes")]
    assert r.neuron == pytest.approx(0.6519, abs=1e-4)
    assert r.tolerance == pytest.approx(r.neuron + ROUNDOFF_SLACK_MS)
    r = rows[("Rallpack 3", "cn", "x=L", "max |err|, 5 spikes")]
    assert (r.dt_ms, r.tolerance) == (0.025, 0.05)


def test_validate_outputs(report):
    d = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert d["passed"] is True and len(d["rows"]) == len(report.rows)
    assert set(d["rows"][0]) >= {"case", "method", "dt_ms", "metric", "value", "tolerance", "neuron", "passed"}
    table = report.to_table()
    assert "Rallpack 3" in table and "FAIL" not in table
    assert max(len(line) for line in table.splitlines()) <= 100


def test_validate_subset_and_failure_reporting():
    rep = validate(cases=["rp2"])
    assert {r.case for r in rep.rows} == {"Rallpack 2"}
    # a value over its tolerance fails its row, the report, and is marked in the table
    bad = _row("rallpack2", "be", 0.05, "root", "relative RMS", 2.1e-4, "", 2e-4)
    nan = _row("rallpack2", "be", 0.05, "tip", "relative RMS", float("nan"), "", 2e-4)
    assert not bad.passed and not nan.passed
    assert _row("rallpack2", "be", 0.05, "root", "relative RMS", 2e-4, "", 2e-4).passed
    broken = ValidationReport((bad,) + rep.rows[1:], rep.elapsed_s, rep.cases, rep.meta)
    assert not broken.passed and broken.failures == (bad,)
    assert "FAIL" in broken.to_table()
    with pytest.raises(rv.RanvierError, match="validation case"):
        validate(cases=["rallpack4"])
