"""The README's Python examples run and give the physics they claim."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_quick_start_commands_match_ci():
    text = README.read_text()
    ci = (README.parent / ".ci" / "run").read_text()
    test_cmd = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert test_cmd in text and test_cmd in ci
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/ranvier run" in text


def test_readme_axon_example_measures_a_squid_like_velocity(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    ns: dict = {}
    exec(compile(python_blocks()[0], "README-example-1", "exec"), ns)
    # HH 1952 computed 18.8 m/s for a 476 um squid axon at 18.5 degC; velocity scales with sqrt(diameter)
    # and with temperature, so a 2 um axon at 6.3 degC conducts well below 1 m/s but above 0.1 m/s.
    assert 0.1 < ns["velocity_m_s"] < 1.0
    assert (tmp_path / "axon.nc").is_file()
    # squid concentrations put rest near -60 mV with the HH leak
    assert -75.0 < float(ns["result"].v_rest_mV[0]) < -55.0


def test_readme_user_channel_example_records_the_new_gate():
    ns: dict = {}
    exec(compile(python_blocks()[1], "README-example-2", "exec"), ns)
    a = ns["result"]["ka_a"].values[0]
    assert 0.0 < a[0] < 1.0 and abs(a[-1] - a[0]) < 1e-6  # at rest the new gate sits at its steady state


def test_readme_synapse_example_transmits_from_terminal_to_dendrite():
    ns: dict = {}
    exec(compile(python_blocks()[2], "README-example-3", "exec"), ns)
    res = ns["result"]
    v_post = res.v.sel(site="cell1/dend0(0.5)").values
    assert v_post.max() - v_post[0] > 1.0  # the postsynaptic dendrite depolarises


def test_readme_myelin_example_is_in_the_band(capsys):
    ns: dict = {}
    exec(compile(python_blocks()[3], "README-example-4", "exec"), ns)
    cv = float(capsys.readouterr().out.strip())
    assert 45.0 <= cv <= 65.0  # 4.5-6.5 m/s per um of fibre diameter (Hursh 1939) for 10 um


# -- every shell command after the quick start works as written on a fresh clone (issue 10) --------------

QUICK_START = ("python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/ranvier run",
               "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest")


def shell_commands() -> list[str]:
    """Every command line of the README's ```bash blocks and `inline` code, comments removed."""
    text = README.read_text()
    lines = [ln.split("  #")[0].strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)
             for ln in block.splitlines()]
    inline = re.findall(r"`((?:ranvier (?:run|experiment|validate)|python3? |pip |\.venv/bin/)[^`]*)`", text)
    return [c for c in lines + inline if c]


def test_no_command_needs_an_activated_venv():
    """A bare `ranvier`, `python` or `pip` is 'command not found' (or the wrong Python) on a fresh clone."""
    for cmd in shell_commands():
        if cmd in QUICK_START or cmd.startswith("source .venv/bin/activate"):
            continue
        if cmd.startswith("python3 -m venv .venv && "):  # a set-up line like the quick start's: the rest is checked
            cmd = cmd[len("python3 -m venv .venv && "):]
        for part in cmd.split("&&"):
            word = part.split()[0]
            assert word.startswith(".venv/bin/"), f"README command {cmd!r} starts with {word!r}, not .venv/bin/"


def test_every_ranvier_command_passes_its_checks(tmp_path, monkeypatch, capsys):
    """Each README `ranvier` command, run in-process up to the point where it would simulate."""
    import shlex

    import ranvier.simulation as simulation_module
    from ranvier.cli import build_parser, main

    class Reached(BaseException):
        pass

    def reached(self, *a, **k):
        raise Reached

    monkeypatch.setattr(simulation_module.Simulation, "run", reached)
    monkeypatch.setattr(simulation_module.Simulation, "prepare", reached)
    monkeypatch.chdir(tmp_path)
    cmds = [c for c in shell_commands() if c.startswith(".venv/bin/ranvier")]
    assert len(cmds) >= 12
    for cmd in cmds:
        argv = shlex.split(cmd)[1:]
        if any(re.fullmatch(r"[A-Z]{3,}", a) for a in argv):  # a placeholder (NAME): only the form is checked
            continue
        if argv[0] == "validate":  # the Rallpacks need no input: that the options parse is the check
            build_parser().parse_args(argv)
            continue
        try:
            rc = main(argv)
        except Reached:
            rc = 0
        err = capsys.readouterr().err
        if "--dt 0.5" in cmd:  # the README shows this one being refused, with the message it quotes
            line = next(ln for ln in err.splitlines() if ln.startswith("ranvier: error:"))
            assert rc == 2 and "dt_ms must be in (0, 0.1] ms" in line and line in README.read_text()
            continue
        assert rc == 0, f"README command {cmd!r} failed: {err}"
        assert "ranvier: error" not in err and "ranvier: warning" not in err, (cmd, err)


def test_demyelination_example_compares_two_temperatures():
    import shlex

    from ranvier.experiments import get

    cmd = next(c for c in shell_commands() if "demyelination --temperature_degC" in c)
    argv = shlex.split(cmd)[3:]
    given = {argv[i][2:]: float(argv[i + 1]) for i in range(0, len(argv), 2)}
    params = get("demyelination").check_params(**given)
    assert params["warm_degC"] > params["temperature_degC"]
