"""`ranvier sweep` on the command line: store, figure, report, resume, and clear errors."""

from __future__ import annotations

import json

import xarray as xr

from ranvier.cli import main


def test_cli_sweep_writes_store_figure_report_and_resumes(tmp_path, capsys):
    out = tmp_path / "s"
    argv = ["sweep", "myelin-and-diameter", "--param", "fiber_diam_um=4:12:3", "--param", "myelin_fraction=0.5,1",
            "--param", "n_nodes=7", "--out", str(out), "--scheduler", "in-process", "--json"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["n_points"] == 6 and first["points_failed"] == 0 and first["chunks_computed"] == 1
    for f in ("sweep.nc", "sweep.png", "report.html", "sweep.json"):
        assert (out / f).is_file(), f
    ds = xr.open_dataset(out / "sweep.nc", engine="h5netcdf").load()
    assert dict(ds.sizes) == {"fiber_diam_um": 3, "myelin_fraction": 2, "n_nodes": 1}
    v = ds.velocity_m_s.values
    assert first["velocity_m_s"]["max"] == float(v.max()) and first["velocity_m_s"]["at_max"]["fiber_diam_um"] == 12.0
    assert main(argv) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["chunks_computed"] == 0 and again["chunks_reused"] == 1


def test_cli_sweep_list_and_bad_param(capsys):
    assert main(["sweep", "list"]) == 0
    assert "myelin-and-diameter" in capsys.readouterr().out
    assert main(["sweep", "myelin-and-diameter", "--param", "fiber_diam_um=1:2", "--scheduler", "in-process"]) == 2
    err = capsys.readouterr().err
    assert "fiber_diam_um" in err and "lo:hi:n" in err
    assert main(["sweep", "myelin-and-diameter", "--param", "g_ratio=0.2,0.5", "--scheduler", "in-process"]) == 2
    err = capsys.readouterr().err
    assert "g_ratio" in err and "0.4" in err and "0.2" in err
