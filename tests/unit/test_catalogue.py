"""The bad-input catalogue: every input a new user might give, and what ranvier answers.

Each case is classified as one of three outcomes, and the test checks that it is that one:

* ``ERROR``: refused before anything is simulated, one line ``ranvier: error: ...`` (or a
  :class:`RanvierError` from the API) that names the parameter and the value;
* ``WARN``: accepted, with a :class:`PhysiologyWarning` (a ``ranvier: warning:`` line) naming the
  parameter, and the run goes ahead;
* ``VALID``: accepted without a word, and then the value must lie in its documented
  physiological range (``ranvier.plausibility.RANGES``): nothing outside it passes silently.

No case may raise anything else (a traceback), crash or hang: each runs under a deadline. The
simulation itself is replaced by a sentinel (``_Reached``) so that the catalogue costs seconds: a
case that reaches it has passed every check made before running; the few real runs are in
test_validity.py. The cases of issue 10 ("Robustness and the first hour") are marked ``issue``.
The fuzzers at the end draw CLI options and constructor arguments from hypothesis.
"""

from __future__ import annotations

import contextlib
import math
import re
import signal
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ranvier as rv
import ranvier.simulation as simulation_module
from ranvier import PhysiologyWarning, RanvierError
from ranvier.cli import main
from ranvier.plausibility import RANGES

ERROR, WARN, VALID = "clear error", "warning with a result", "valid result"
DEADLINE_S = 20  # per case; a case that is refused takes milliseconds, building the seed circuit ~0.1 s


class _Reached(BaseException):
    """Raised in place of Simulation.run: the input passed every check made before running."""


class _Hang(BaseException):
    pass


@contextlib.contextmanager
def deadline(seconds: int = DEADLINE_S):
    """Fail a case that takes longer than ``seconds`` (a hang), via SIGALRM."""
    def on_alarm(signum, frame):
        raise _Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def no_run(monkeypatch):
    """Simulation.run and the experiments' simulations raise _Reached instead of running."""
    def reached(self, *a, **k):
        raise _Reached

    monkeypatch.setattr(simulation_module.Simulation, "run", reached)
    monkeypatch.setattr(simulation_module.Simulation, "prepare", reached)


def run_cli(argv: list[str], capsys) -> tuple[str, int | None, str]:
    """Run ``ranvier argv`` in-process: (outcome, exit code, stderr). Any other exception propagates."""
    with deadline():
        try:
            rc = main(argv)
        except _Reached:
            err = capsys.readouterr().err
            return (WARN if "ranvier: warning:" in err else VALID), None, err
        except SystemExit as e:  # argparse: a usage line and "error: ..."
            err = capsys.readouterr().err
            assert e.code == 2 and "error:" in err, err
            return ERROR, 2, err
    err = capsys.readouterr().err
    if rc == 2:
        lines = [ln for ln in err.splitlines() if ln.startswith("ranvier: error:")]
        assert len(lines) == 1, f"expected one error line, got {err!r}"
        assert "Traceback" not in err
        return ERROR, rc, err
    return (WARN if "ranvier: warning:" in err else VALID), rc, err


# --------------------------------------------------------------------------------- CLI cases
# (argv after "ranvier", expected outcome, a regex the message must contain: the parameter and value)

RUN = ["run"]
CLI_CASES = [
    # issue 10, "absurd inputs accepted"
    pytest.param(RUN + ["--k-in", "1e-300"], ERROR, r"k_in_mM must be in \[1e-06, 1000\] mM, got 1e-300", id="issue-k-in-1e-300"),
    pytest.param(RUN + ["--k-out", "1e6"], ERROR, r"k_out_mM must be in .*got 1000000", id="issue-k-out-1e6"),
    pytest.param(RUN + ["--fiber-diam", "1e6"], ERROR, r"fiber_diam_um must be in \[0\.5, 50\] um, got 1e\+?0?6|fiber_diam_um must be in \[0\.5, 50\] um, got 1000000", id="issue-fiber-diam-1e6"),
    pytest.param(RUN + ["--dt", "0.1"], ERROR, r"dt_ms must be in \(0, 0\.025\] ms for a myelinated axon, got 0\.1", id="issue-dt-0.1-myelinated"),
    pytest.param(RUN + ["--temperature", "0"], WARN, r"temperature_degC = 0 degC is outside the physiological range", id="issue-temperature-0"),
    # issue 10, "checks after the work": output paths refused before the run
    pytest.param(RUN + ["--out", "result.csv"], ERROR, r"--out saves a NetCDF file; the path must end in \.nc", id="issue-out-suffix"),
    pytest.param(RUN + ["--out", ""], ERROR, r"must name a file", id="issue-out-empty"),
    pytest.param(RUN + ["--out", "/nonexistent-folder/r.nc"], ERROR, r"the folder '/nonexistent-folder' does not exist", id="issue-out-missing-folder"),
    pytest.param(RUN + ["--report", "report.txt"], ERROR, r"--report writes an HTML file; the path must end in \.html", id="issue-report-suffix"),
    pytest.param(RUN + ["--report", ""], ERROR, r"must name a file", id="issue-report-empty"),
    pytest.param(RUN + ["--report", "/nonexistent-folder/r.html"], ERROR, r"does not exist", id="issue-report-missing-folder"),
    pytest.param(RUN + ["--out", "/proc/r.nc"], ERROR, r"not writable|does not exist", id="issue-out-unwritable"),
    pytest.param(RUN + ["--out", "."], ERROR, r"must name a file", id="out-dot"),
    pytest.param(RUN + ["--out", "/tmp"], ERROR, r"must end in \.nc", id="out-folder"),
    # issue 10, "memory": refused with the estimate and the way to raise the limit
    pytest.param(RUN + ["--tstop", "11000", "--dt", "0.001"], ERROR, r"would need about [\d.]+ GiB .*above the limit of 2 GiB.*--max-memory", id="issue-tstop-11000-dt-0.001"),
    pytest.param(RUN + ["--tstop", "20000"], ERROR, r"would take about .*above the limit of 10 min.*--max-minutes", id="tstop-20000-time"),
    pytest.param(RUN + ["--tstop", "20000", "--max-minutes", "60"], VALID, None, id="tstop-20000-limit-raised"),
    pytest.param(RUN + ["--dt", "5e-324"], ERROR, r"steps, more than any run can take", id="dt-denormal"),
    pytest.param(RUN + ["--max-memory", "0"], ERROR, r"max_memory_GiB must be > 0", id="max-memory-0"),
    pytest.param(RUN + ["--max-minutes", "nan"], ERROR, r"max_minutes must be a finite number", id="max-minutes-nan"),
    # concentrations
    *[pytest.param(RUN + [f"--{ion}-{side}", v], ERROR, rf"{ion}_{side}_mM must be", id=f"{ion}-{side}-{v}")
      for ion in ("na", "k", "cl", "ca") for side in ("in", "out") for v in ("0", "-5", "nan", "inf", "5000")],
    *[pytest.param(RUN + [f"--{ion}-{side}", v], WARN, rf"{ion}_{side}_mM = .* outside the physiological range",
                   id=f"{ion}-{side}-{v}-warn")
      for ion, side, v in (("na", "in", "100"), ("na", "out", "20"), ("k", "in", "20"), ("k", "out", "0.5"),
                           ("k", "out", "100"), ("cl", "in", "500"), ("cl", "out", "5"), ("ca", "in", "0.1"),
                           ("ca", "out", "50"))],
    pytest.param(RUN + ["--k-out", "10"], VALID, None, id="k-out-10-hyperkalaemia"),
    pytest.param(RUN + ["--k-out", "2.5"], VALID, None, id="k-out-2.5-hypokalaemia"),
    pytest.param(RUN + ["--mg-out", "0"], VALID, None, id="mg-free"),
    pytest.param(RUN + ["--mg-out", "-1"], ERROR, r"mg_out_mM must be >= 0", id="mg-negative"),
    pytest.param(RUN + ["--mg-out", "50"], WARN, r"mg_out_mM = 50 mM is outside", id="mg-50"),
    pytest.param(RUN + ["--k-in", "abc"], ERROR, r"invalid float value: 'abc'", id="k-in-text"),
    # temperature
    pytest.param(RUN + ["--temperature", "-5"], ERROR, r"temperature_degC must be in \[0, 45\] degC, got -5", id="temperature--5"),
    pytest.param(RUN + ["--temperature", "50"], ERROR, r"temperature_degC must be in \[0, 45\] degC, got 50", id="temperature-50"),
    pytest.param(RUN + ["--temperature", "nan"], ERROR, r"temperature_degC must be a finite number", id="temperature-nan"),
    pytest.param(RUN + ["--temperature", "10"], WARN, r"temperature_degC = 10 degC is outside", id="temperature-10"),
    pytest.param(RUN + ["--temperature", "43"], WARN, r"temperature_degC = 43", id="temperature-43"),
    pytest.param(RUN + ["--temperature", "30"], VALID, None, id="temperature-30"),
    pytest.param(RUN + ["--temperature", "-300"], ERROR, r"temperature_degC must be in", id="temperature-below-absolute-zero"),
    # fibre
    pytest.param(RUN + ["--fiber-diam", "0"], ERROR, r"fiber_diam_um must be > 0", id="fiber-0"),
    pytest.param(RUN + ["--fiber-diam", "-4"], ERROR, r"fiber_diam_um must be > 0", id="fiber-negative"),
    pytest.param(RUN + ["--fiber-diam", "0.1"], ERROR, r"fiber_diam_um must be in \[0\.5, 50\] um, got 0\.1", id="fiber-0.1"),
    pytest.param(RUN + ["--fiber-diam", "0.3"], ERROR, r"fiber_diam_um must be in \[0\.5, 50\] um, got 0\.3", id="fiber-0.3"),
    pytest.param(RUN + ["--fiber-diam", "60"], ERROR, r"fiber_diam_um must be in \[0\.5, 50\] um, got 60", id="fiber-60"),
    pytest.param(RUN + ["--fiber-diam", "30"], WARN, r"fiber_diam_um = 30 um is outside the physiological range \[1, 22\]", id="fiber-30"),
    pytest.param(RUN + ["--fiber-diam", "0.6"], WARN, r"fiber_diam_um = 0\.6 um", id="fiber-0.6"),
    pytest.param(RUN + ["--fiber-diam", "8"], VALID, None, id="fiber-8"),
    pytest.param(RUN + ["--fiber-diam", "inf"], ERROR, r"fiber_diam_um must be a finite number", id="fiber-inf"),
    pytest.param(RUN + ["--unmyelinated", "--fiber-diam", "2"], VALID, None, id="unmyelinated"),
    pytest.param(RUN + ["--unmyelinated", "--dt", "0.025"], VALID, None, id="unmyelinated-dt-0.025"),
    # dt and time
    pytest.param(RUN + ["--dt", "0"], ERROR, r"dt_ms must be > 0", id="dt-0"),
    pytest.param(RUN + ["--dt", "-0.01"], ERROR, r"dt_ms must be > 0", id="dt-negative"),
    pytest.param(RUN + ["--dt", "0.5"], ERROR, r"dt_ms must be in \(0, 0\.1\] ms", id="dt-0.5"),
    pytest.param(RUN + ["--dt", "0.05"], ERROR, r"dt_ms must be in \(0, 0\.025\] ms for a myelinated axon, got 0\.05", id="dt-0.05-myelinated"),
    pytest.param(RUN + ["--dt", "0.025"], WARN, r"dt_ms = 0\.025 ms is coarse for a myelinated axon", id="dt-0.025-myelinated"),
    pytest.param(RUN + ["--dt", "0.01"], WARN, r"dt_ms = 0\.01 ms is coarse", id="dt-0.01-myelinated"),
    pytest.param(RUN + ["--dt", "0.0025"], VALID, None, id="dt-0.0025"),
    pytest.param(RUN + ["--dt", "nan"], ERROR, r"dt_ms must be a finite number", id="dt-nan"),
    pytest.param(RUN + ["--tstop", "0"], ERROR, r"tstop_ms must be > 0", id="tstop-0"),
    pytest.param(RUN + ["--tstop", "-1"], ERROR, r"tstop_ms must be > 0", id="tstop-negative"),
    pytest.param(RUN + ["--tstop", "inf"], ERROR, r"tstop_ms must be a finite number", id="tstop-inf"),
    pytest.param(RUN + ["--tstop", "0.001"], ERROR, r"dt_ms \(0\.005 ms\) must not exceed tstop_ms", id="tstop-below-dt"),
    pytest.param(RUN + ["--tstop", "1e12"], ERROR, r"tstop|steps|would", id="tstop-1e12"),
    pytest.param(RUN + ["--tstop", "5"], VALID, None, id="tstop-5"),
    # the rest of the options
    pytest.param(RUN + ["--method", "rk4"], ERROR, r"unknown method 'rk4'", id="method-rk4"),
    pytest.param(RUN + ["--method", "be"], VALID, None, id="method-be"),
    pytest.param(RUN + ["--myelin-fraction", "1.5"], ERROR, r"myelin_fraction must be in \[0, 1\], got 1\.5", id="myelin-fraction-1.5"),
    pytest.param(RUN + ["--myelin-fraction", "-0.1"], ERROR, r"myelin_fraction must be in \[0, 1\]", id="myelin-fraction-negative"),
    pytest.param(RUN + ["--myelin-fraction", "0.05"], VALID, None, id="myelin-fraction-0.05"),
    pytest.param(RUN + ["--input-rate", "-1"], ERROR, r"input_rate_hz must be >= 0", id="input-rate-negative"),
    pytest.param(RUN + ["--input-rate", "1e6"], ERROR, r"input_rate_hz must be in \[0, 10000\] Hz, got 1000000", id="input-rate-1e6"),
    pytest.param(RUN + ["--input-rate", "800"], WARN, r"input_rate_hz = 800 Hz is outside", id="input-rate-800"),
    pytest.param(RUN + ["--input-rate", "0"], VALID, None, id="input-rate-0"),
    pytest.param(RUN + ["--nonsense"], ERROR, r"unrecognized arguments: --nonsense", id="unknown-option"),
    pytest.param(["walk"], ERROR, r"invalid choice: 'walk'", id="unknown-command"),
    # experiments: parameters and the report path are checked before the experiment runs
    pytest.param(["experiment", "hyperkalemia"], ERROR, r"unknown experiment 'hyperkalemia'.*Did you mean 'hyperkalaemia'", id="experiment-misspelt"),
    pytest.param(["experiment", "demyelination", "--temperature_degC", "40"], ERROR, r"warm_degC \(40 degC\) must be above temperature_degC \(40 degC\)", id="issue-demyelination-40-vs-40"),
    pytest.param(["experiment", "demyelination", "--temperature_degC", "80"], ERROR, r"temperature_degC must be in \[20, 42\] \(degC\), got 80", id="experiment-param-range"),
    pytest.param(["experiment", "drugs", "--lidocaine_uM", "x"], ERROR, r"--lidocaine_uM must be a number, got 'x'", id="experiment-param-text"),
    pytest.param(["experiment", "drugs", "--lidocaine_uM"], ERROR, r"--lidocaine_uM needs a value", id="experiment-param-missing"),
    pytest.param(["experiment", "drugs", "--lidocane_uM", "10"], ERROR, r"Did you mean 'lidocaine_uM'", id="experiment-param-misspelt"),
    pytest.param(["experiment", "drugs", "lidocaine"], ERROR, r"given as --name value", id="experiment-param-bare"),
    pytest.param(["experiment", "hyperkalaemia", "--report", "hk.pdf"], ERROR, r"--report writes an HTML file", id="experiment-report-suffix"),
    pytest.param(["experiment", "hyperkalaemia", "--report", "/nonexistent-folder/hk.html"], ERROR, r"does not exist", id="experiment-report-folder"),
    pytest.param(["experiment", "hyperkalaemia", "--k_high_mM", "16"], ERROR, r"k_high_mM must be in \[5, 15\]", id="experiment-k-high"),
]


@pytest.mark.parametrize(("argv", "expected", "message"), CLI_CASES)
def test_cli_case(argv, expected, message, capsys, no_run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outcome, rc, err = run_cli(argv, capsys)
    assert outcome == expected, f"ranvier {' '.join(argv)}: expected {expected}, got {outcome}: {err!r}"
    if message is not None:
        assert re.search(message, err), f"ranvier {' '.join(argv)}: message {err!r} does not match {message!r}"
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written by a refused or stopped run


# --------------------------------------------------------------------------------- API cases
# (a callable building the description, expected outcome, regex)

def _conc(**kw):
    return lambda: rv.Concentrations(**kw)


def _section(**kw):
    return lambda: rv.Section("a", **{"length_um": 100.0, "diam_um": 1.0, **kw})


def _myelin_sim(dt):
    def build():
        from ranvier import myelin

        axon = myelin.myelinated_axon(10.0, 5)
        return rv.Simulation(axon.cell(), tstop_ms=1.0, dt_ms=dt)
    return build


def _hh_sim(T, dt):
    def build():
        cell = rv.Cell(rv.cable(100.0, 1.0, nseg=3), mechanisms=(rv.hh_na, rv.hh_k, rv.hh_leak), temperature_degC=T,
                       concentrations=rv.Concentrations.squid())
        return rv.Simulation(cell, tstop_ms=1.0, dt_ms=dt)
    return build


def _seed(**kw):
    def build():
        from ranvier.seed import SeedSettings

        return SeedSettings(**kw)
    return build


API_CASES = [
    pytest.param(_conc(k_in_mM=1e-300), ERROR, r"k_in_mM must be in \[1e-06, 1000\] mM, got 1e-300", id="conc-k-in-1e-300"),
    pytest.param(_conc(k_out_mM=1e6), ERROR, r"k_out_mM must be in \[1e-06, 1000\] mM, got 1000000", id="conc-k-out-1e6"),
    pytest.param(_conc(na_out_mM=1500.0), ERROR, r"na_out_mM must be in", id="conc-na-out-1500"),
    pytest.param(_conc(ca_in_mM=1e-8), ERROR, r"ca_in_mM must be in", id="conc-ca-in-1e-8"),
    pytest.param(_conc(k_out_mM=0.5), WARN, r"k_out_mM = 0\.5 mM is outside the physiological range \[1, 80\]", id="conc-k-out-0.5"),
    pytest.param(_conc(ca_in_mM=0.05), WARN, r"ca_in_mM = 0\.05 mM", id="conc-ca-in-50uM"),
    pytest.param(lambda: rv.Concentrations.squid(), VALID, None, id="conc-squid"),
    pytest.param(lambda: rv.Concentrations(), VALID, None, id="conc-mammalian"),
    pytest.param(lambda: rv.Concentrations().with_(k_out_mM=1e-300), ERROR, r"k_out_mM must be in", id="conc-with-tiny"),
    pytest.param(_section(diam_um=2e4), ERROR, r"section 'a': diam_um must be in \(0, 10000\] um, got 20000", id="section-diam-2cm"),
    pytest.param(_section(diam_um=0.01), WARN, r"section 'a': diam_um = 0\.01 um is outside", id="section-diam-10nm"),
    pytest.param(_section(diam_um=476.0), VALID, None, id="section-squid-axon"),
    pytest.param(_section(length_um=1e9), ERROR, r"section 'a': length_um must be in \(0, 1e\+08\] um", id="section-length-1km"),
    pytest.param(_section(length_um=5e6), WARN, r"length_um = 5e\+06 um is outside", id="section-length-5m"),
    pytest.param(lambda: rv.cable(1e9, 1.0), ERROR, r"length_um must be in", id="cable-1km"),
    pytest.param(lambda: __import__("ranvier.myelin").myelin.conduction_velocity(1e4), ERROR,
                 r"fiber_diam_um must be in \[0\.5, 50\] um, got 10000", id="issue-conduction-velocity-1e4"),
    pytest.param(lambda: __import__("ranvier.myelin").myelin.myelinated_axon(0.1, 5), ERROR, r"fiber_diam_um must be in", id="myelinated-axon-0.1"),
    pytest.param(lambda: __import__("ranvier.myelin").myelin.myelinated_axon(25.0, 5), WARN, r"fiber_diam_um = 25 um", id="myelinated-axon-25"),
    pytest.param(lambda: __import__("ranvier.myelin").myelin.myelinated_axon(10.0, 5), VALID, None, id="myelinated-axon-10"),
    pytest.param(_myelin_sim(0.1), ERROR, r"dt_ms must be in \(0, 0\.025\] ms for a myelinated axon, got 0\.1", id="issue-sim-myelin-dt-0.1"),
    pytest.param(_myelin_sim(0.02), WARN, r"dt_ms = 0\.02 ms is coarse for a myelinated axon", id="sim-myelin-dt-0.02"),
    pytest.param(_myelin_sim(0.0025), VALID, None, id="sim-myelin-dt-0.0025"),
    pytest.param(_hh_sim(37.0, 0.05), WARN, r"fastest gate time constant .*hh_na.* at 37 degC", id="sim-hh-37-dt-0.05"),
    pytest.param(_hh_sim(6.3, 0.025), VALID, None, id="sim-hh-6.3-dt-0.025"),
    pytest.param(_hh_sim(6.3, 0.2), ERROR, r"dt_ms must be in \(0, 0\.1\] ms", id="sim-hh-dt-0.2"),
    pytest.param(lambda: rv.SpikeTrain.poisson(1e5, 10.0), ERROR, r"rate_hz must be in \[0, 10000\] Hz", id="poisson-1e5"),
    pytest.param(lambda: rv.SpikeTrain.poisson(800.0, 10.0), WARN, r"rate_hz = 800 Hz", id="poisson-800"),
    pytest.param(lambda: rv.SpikeTrain.poisson(20.0, 10.0), VALID, None, id="poisson-20"),
    pytest.param(_seed(temperature_degC=0.0), WARN, r"temperature_degC = 0 degC", id="seed-temperature-0"),
    pytest.param(_seed(temperature_degC=-1.0), ERROR, r"temperature_degC must be in \[0, 45\]", id="seed-temperature--1"),
    pytest.param(_seed(fiber_diam_um=1e6), ERROR, r"fiber_diam_um must be in", id="seed-fiber-1e6"),
    pytest.param(_seed(input_rate_hz=2e4), ERROR, r"input_rate_hz must be in", id="seed-rate-2e4"),
    pytest.param(lambda: rv.Channel("x", ion="k", gbar_S_cm2=0.01, q10=1e6), ERROR, r"channel 'x': q10 must be in \(0, 20\], got 1000000", id="channel-q10-1e6"),
    pytest.param(lambda: rv.Channel("x", ion="k", gbar_S_cm2=0.01, q10=10.0), WARN, r"channel 'x': q10 = 10 is outside the physiological range \[1, 6\]", id="channel-q10-10"),
    pytest.param(lambda: rv.hh_na.with_(q10=0.5), WARN, r"q10 = 0\.5 is outside", id="channel-q10-0.5"),
    pytest.param(lambda: rv.hh_na.with_(q10=3.0), VALID, None, id="channel-q10-3"),
    pytest.param(lambda: rv.Cell(rv.cable(), temperature_degC=-300.0), ERROR, r"absolute zero", id="cell-below-absolute-zero"),
    pytest.param(lambda: rv.Cell(rv.cable(), temperature_degC=70.0), ERROR, r"temperature_degC must be in \[-20, 60\]", id="cell-70"),
]


@pytest.mark.parametrize(("build", "expected", "message"), API_CASES)
def test_api_case(build, expected, message, no_run):
    with deadline(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            build()
            outcome = VALID
        except RanvierError as e:
            outcome, text = ERROR, str(e)
    notes = [str(w.message) for w in caught if issubclass(w.category, PhysiologyWarning)]
    if outcome == VALID and notes:
        outcome, text = WARN, " | ".join(notes)
    assert outcome == expected, f"expected {expected}, got {outcome}: {notes}"
    if message is not None:
        assert re.search(message, text), f"{text!r} does not match {message!r}"


def test_the_catalogue_has_at_least_150_inputs():
    """The bar of issue 10: at least 150 inputs, each with a classified outcome."""
    assert len(CLI_CASES) + len(API_CASES) >= 150, len(CLI_CASES) + len(API_CASES)


# --------------------------------------------------------------------------------- fuzzers

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, -0.0, 1e-300, 1e300, -1.0, 1e-7, 1e6, 5e-324]),
    st.floats(min_value=1e-3, max_value=1e3),
)
FLOAT_OPTIONS = {  # CLI option -> the range name in RANGES that documents it (None: checked by the model only)
    "--temperature": "mammalian_temperature_degC", "--fiber-diam": "fiber_diam_um", "--input-rate": "input_rate_hz",
    "--myelin-fraction": None, "--tstop": None, "--dt": None, "--max-memory": None, "--max-minutes": None,
    **{f"--{ion}-{side}": f"{ion}_{side}_mM" for ion in ("na", "k", "cl", "ca") for side in ("in", "out")},
    "--mg-out": "mg_out_mM",
}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(option=st.sampled_from(sorted(FLOAT_OPTIONS)), value=NUMBERS)
def test_fuzz_cli_options(option, value, capsys, no_run, tmp_path_factory, monkeypatch):
    """Any number for any option: a clear error naming it, a warning, or a value in its documented range."""
    monkeypatch.chdir(tmp_path_factory.getbasetemp())
    outcome, rc, err = run_cli(["run", option, repr(value)], capsys)
    assert "Traceback" not in err
    if outcome == ERROR:
        assert "ranvier: error:" in err or "usage:" in err
    band = FLOAT_OPTIONS[option]
    if outcome == VALID and band is not None:  # nothing outside the physiological range passes silently
        b = RANGES[band]
        assert b.lo <= value <= b.hi, f"{option} {value!r} accepted without a warning, outside [{b.lo}, {b.hi}]"


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(field=st.sampled_from(sorted(k for k in RANGES if k.endswith("_mM"))), value=NUMBERS)
def test_fuzz_concentrations(field, value):
    _fuzz_constructor(lambda: rv.Concentrations(**{field: value}), field, value, RANGES[field])


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(field=st.sampled_from(["diam_um", "length_um"]), value=NUMBERS)
def test_fuzz_section(field, value):
    kw = {"length_um": 100.0, "diam_um": 1.0, field: value}
    _fuzz_constructor(lambda: rv.Section("a", **kw), field, value, RANGES[field])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=NUMBERS)
def test_fuzz_fibre_diameter(value):
    from ranvier import myelin

    _fuzz_constructor(lambda: myelin.myelinated_axon(value, 3), "fiber_diam_um", value, RANGES["fiber_diam_um"])


def _fuzz_constructor(build, field, value, band):
    with deadline(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            build()
        except RanvierError as e:
            assert field in str(e), f"the error does not name {field}: {e}"
            ok = isinstance(value, float) and math.isfinite(value) and band.lo_model < value <= band.hi_model
            assert not ok or value == band.lo_model, f"{field}={value!r} refused although representable: {e}"
            return
    notes = [str(w.message) for w in caught if issubclass(w.category, PhysiologyWarning) and field in str(w.message)]
    inside = band.lo <= value <= band.hi
    assert band.lo_model <= value <= band.hi_model, f"{field}={value!r} accepted outside the model's range"
    assert inside == (not notes), f"{field}={value!r}: inside the physiological range {inside}, warnings {notes}"
