"""The command line: ranvier run and its report, measured numbers, clear errors."""

from __future__ import annotations

import json

import pytest

from ranvier.cli import main


def test_run_json_reports_measured_physiology(capsys, tmp_path):
    report = tmp_path / "r.html"
    assert main(["run", "--json", "--report", str(report), "--tstop", "30"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert -75.0 < s["resting_potential_mV"] < -60.0
    assert s["spike_count"] >= 1
    ap = s["first_ap"]
    assert ap["peak_mV"] > 0.0  # overshoot
    assert ap["charge_uC_cm2"]["na"] < 0 < ap["charge_uC_cm2"]["k"]  # Na+ in, K+ out
    assert 0.1 < s["conduction_velocity_m_s"] < 2.5  # a thin unmyelinated axon at 37 degC
    html = report.read_text()
    assert html.count("data:image/png;base64,") == 4
    assert "http://" not in html and "https://" not in html


@pytest.mark.parametrize(("args", "message"), [
    (["--dt", "0.5"], "dt_ms must be in"),
    (["--k-out", "-3"], "k_out_mM must be > 0"),
    (["--temperature", "-300"], "temperature_degC"),
    (["--axon-diam", "0"], "diam_um"),
])
def test_run_refuses_bad_values_with_a_clear_message(args, message, capsys):
    assert main(["run", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
