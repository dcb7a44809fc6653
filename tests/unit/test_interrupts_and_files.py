"""Ctrl-C and files: one line and exit 130, a save that is interrupted leaves the old file or the new one
and no debris, and files get the mode any new file gets (issue 10, "Interrupts")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import ranvier as rv
import ranvier.simulation as simulation_module
from ranvier.cli import main
from ranvier.files import clean_stale_parts
from ranvier.report import write_report


@pytest.fixture
def result() -> xr.Dataset:
    t = np.arange(5) * 0.1
    return xr.Dataset({"v": (("site", "time"), np.zeros((1, 5)))}, coords={"site": ["soma(0.5)"], "time": t})


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


# -- Ctrl-C in the CLI ----------------------------------------------------------------------


def test_ctrl_c_during_run_is_one_line_and_exit_130(monkeypatch, capsys, tmp_path):
    def interrupted(self, *a, **k):
        raise KeyboardInterrupt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(simulation_module.Simulation, "run", interrupted)
    rc = main(["run", "--tstop", "5", "--out", "r.nc"])
    err = capsys.readouterr().err
    assert rc == 130
    assert err.strip().splitlines()[-1].startswith("ranvier: interrupted")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_real_sigint_ends_ranvier_run_with_130_and_no_traceback(tmp_path):
    """SIGINT sent to the process while it 'simulates' (Simulation.run sleeps): the real signal path."""
    script = textwrap.dedent("""
        import os, signal, sys, time
        import ranvier.simulation as s
        from ranvier.cli import main
        def run(self, *a, **k):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(30)
        s.Simulation.run = run
        sys.exit(main(["run", "--tstop", "5"]))
    """)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 130, p.stderr
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().splitlines()[-1].startswith("ranvier: interrupted")


# -- save: atomic, interruptible, clean -------------------------------------------------------


def test_ctrl_c_swallowed_inside_the_writer_still_stops_the_save(result, tmp_path, monkeypatch):
    """HDF5 can run Python in callbacks that print and drop a KeyboardInterrupt; save must not go on."""
    path = tmp_path / "r.nc"
    rv.save(result, path)
    before = path.read_bytes()
    real = xr.Dataset.to_netcdf

    def writer_that_swallows(self, target, *a, **k):
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            pass  # what a C callback does with it
        return real(self.assign(v=self.v + 1.0), target, *a, **k)

    monkeypatch.setattr(xr.Dataset, "to_netcdf", writer_that_swallows)
    with pytest.raises(KeyboardInterrupt):
        rv.save(result, path)
    assert path.read_bytes() == before  # the old file, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.nc"]  # no .part left
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is given back


def test_an_error_in_the_writer_leaves_no_debris(result, tmp_path, monkeypatch):
    def broken(self, target, *a, **k):
        Path(target).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", broken)
    with pytest.raises(OSError, match="disk full"):
        rv.save(result, tmp_path / "r.nc")
    assert list(tmp_path.iterdir()) == []


def test_stale_part_files_of_dead_processes_are_removed_on_the_next_save(result, tmp_path):
    dead = tmp_path / f".r.nc.{_dead_pid()}.abc123.part"  # what a SIGKILL during a save leaves
    alive = tmp_path / f".r.nc.{os.getppid()}.def456.part"  # a save in progress in another process: kept
    other = tmp_path / f".other.nc.{_dead_pid()}.x.part"  # another file's: not ours to judge now
    for p in (dead, alive, other):
        p.write_bytes(b"x" * 100)
    rv.save(result, tmp_path / "r.nc")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert dead.name not in names and alive.name in names and other.name in names and "r.nc" in names


def test_sigkill_during_a_save_leaves_the_old_file_and_the_next_save_cleans_up(tmp_path):
    path = tmp_path / "big.nc"
    script = textwrap.dedent(f"""
        import numpy as np, xarray as xr, ranvier as rv
        ds = xr.Dataset({{"v": (("site", "time"), np.random.default_rng(0).random((40, 200_000)))}})
        rv.save(ds.isel(time=slice(0, 10)), {str(path)!r})
        print("old saved", flush=True)
        while True:
            rv.save(ds, {str(path)!r})
    """)
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "old saved"
    part = None
    for _ in range(600):  # wait until a new save is under way, then kill it
        parts = list(tmp_path.glob(".big.nc.*.part"))
        if parts and parts[0].stat().st_size > 1_000_000:
            part = parts[0]
            break
        import time

        time.sleep(0.02)
    p.kill()
    p.wait()
    assert part is not None, "the save never got under way"
    old = rv.load(path)  # the old (or a complete new) file is there and readable
    assert old.v.shape[0] == 40
    assert clean_stale_parts(path) and not list(tmp_path.glob("*.part"))


# -- modes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_saved_files_and_reports_get_the_mode_of_a_new_file(result, tmp_path, umask):
    old = os.umask(umask)
    try:
        nc = rv.save(result, tmp_path / "r.nc")
        html = write_report(tmp_path / "r.html", "t", {}, [], {})
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
    finally:
        os.umask(old)
    want = 0o666 & ~umask
    assert plain.stat().st_mode & 0o777 == want
    assert nc.stat().st_mode & 0o777 == want, oct(nc.stat().st_mode)
    assert html.stat().st_mode & 0o777 == want


def test_overwriting_keeps_the_files_mode(result, tmp_path):
    path = rv.save(result, tmp_path / "r.nc")
    os.chmod(path, 0o640)
    rv.save(result, path)
    assert path.stat().st_mode & 0o777 == 0o640
