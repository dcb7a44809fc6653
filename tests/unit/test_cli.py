"""The command line: ranvier run (the seed circuit) and its report, measured numbers, clear errors."""

from __future__ import annotations

import json

import pytest

from ranvier.cli import main


@pytest.fixture(scope="module")
def run_json(tmp_path_factory):
    import contextlib
    import io

    report = tmp_path_factory.mktemp("run") / "r.html"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["run", "--json", "--report", str(report)]) == 0
    return json.loads(buf.getvalue()), report


def test_run_reports_the_issue_bars_measured_from_the_run(run_json):
    s, _ = run_json
    assert -75.0 <= s["resting_potential_mV"] <= -60.0  # cortical means -61.5 to -73.0 mV (Tanaka et al. 2011)
    assert s["initiation_site"] == "ais"  # for synaptic input the spike starts in the AIS
    ap = s["first_ap"]
    assert ap["peak_mV"] > 0.0  # overshoot
    q = ap["charge_at_ais_uC_cm2"]
    assert q["na"] < 0 < q["k"]  # Na+ in, K+ out during the spike
    assert s["conduction"]["velocity_m_s"] > 1.0
    assert s["terminal"]["ca_peak_uM"] > 1.0
    b = s["neuron_b"]
    assert 0.3 <= b["synaptic_delay_ms"] <= 3.0
    assert 0.2 <= b["epsp_soma_mV"] <= 1.5  # unitary EPSP (Nicoll & Blakemore 1993)


def test_run_report_is_self_contained(run_json):
    _, report = run_json
    html = report.read_text()
    assert html.count("data:image/png;base64,") == 5
    assert "http://" not in html and "https://" not in html


@pytest.mark.parametrize(("args", "message"), [
    (["--dt", "0.5"], "dt_ms must be in"),
    (["--k-out", "-3"], "k_out_mM must be > 0"),
    (["--temperature", "-300"], "temperature_degC"),
    (["--fiber-diam", "0"], "fiber_diam_um must be > 0"),
    (["--myelin-fraction", "2"], "myelin_fraction must be in [0, 1]"),
    (["--input-rate", "-5"], "input_rate_hz must be >= 0"),
])
def test_run_refuses_bad_values_with_a_clear_message(args, message, capsys):
    assert main(["run", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_experiment_list_shows_at_least_the_eleven_of_the_issue(capsys):
    assert main(["experiment", "list"]) == 0
    names = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    wanted = {"ions-of-the-spike", "resting-potential", "hyperkalaemia", "hypokalaemia", "threshold-and-all-or-none",
              "refractory-periods", "summation", "drugs", "myelin-and-diameter", "demyelination", "temperature",
              "synaptic-transmission"}
    assert wanted <= names


def test_experiment_json_with_options_after_the_name(capsys, tmp_path):
    report = tmp_path / "rp.html"
    assert main(["experiment", "resting-potential", "--k_out_mM", "10", "--json", "--report", str(report)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["parameters"]["k_out_mM"] == 10.0
    assert f"{out['summary']['resting_potential_mV']:.1f} mV" in out["finding"]
    assert report.is_file()


def test_experiment_errors_are_clear(capsys):
    assert main(["experiment", "hyperkalemia"]) == 2
    assert "Did you mean 'hyperkalaemia'" in capsys.readouterr().err
    assert main(["experiment", "resting-potential", "--k_out_mM", "abc"]) == 2
    assert "must be a number" in capsys.readouterr().err
