"""NWB export: the file reads back with the same numbers in SI units, and nwbinspector finds no critical issue."""

from __future__ import annotations

import json

import numpy as np
import pytest

pynwb = pytest.importorskip("pynwb")
nwbinspector = pytest.importorskip("nwbinspector")

import ranvier as rv  # noqa: E402
from ranvier.errors import RanvierError  # noqa: E402


@pytest.fixture(scope="module")
def current_clamp_run():
    morph = rv.soma_dendrites_axon(n_dendrites=1, dendrite_length_um=100.0, axon_length_um=200.0)
    cell = rv.Cell(morph, mechanisms=(rv.hh_na, rv.hh_k, rv.hh_leak), temperature_degC=6.3, name="hh cell")
    stim = rv.CurrentClamp.step(rv.Site("soma"), 0.5, 1.0, 0.5)
    sim = rv.Simulation(cell, (stim,), (rv.Site("soma"), rv.Probe(rv.Site("axon", 1.0), ("v",))), tstop_ms=10.0)
    return sim, sim.run()


def _critical(path):
    msgs = list(nwbinspector.inspect_nwbfile(nwbfile_path=str(path)))
    crit = [m for m in msgs if m.importance.name in ("CRITICAL", "PYNWB_VALIDATION", "ERROR")]
    return msgs, crit


def test_current_clamp_round_trip_and_inspector(current_clamp_run, tmp_path):
    sim, res = current_clamp_run
    path = rv.to_nwb(res, tmp_path / "cc.nwb", sim)
    msgs, crit = _critical(path)
    assert not crit, "nwbinspector: " + "; ".join(f"{m.importance.name} {m.check_function_name}: {m.message}" for m in crit)
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        f = io.read()
        soma = f.acquisition["v soma(0.5)"]
        assert isinstance(soma, pynwb.icephys.CurrentClampSeries)
        # stored in mV with conversion 1e-3 to volts: the volts equal ranvier's mV / 1000
        volts = soma.data[:] * soma.conversion
        assert np.allclose(volts, res.v.sel(site="soma(0.5)").values * 1e-3, rtol=0, atol=1e-15)
        assert soma.rate == pytest.approx(1000.0 / float(res.time[1] - res.time[0]))
        stim = f.stimulus["stimulus soma(0.5)"]
        amps = stim.data[:] * stim.conversion
        expect = np.where((res.time.values >= 1.0) & (res.time.values < 1.5), 0.5e-9, 0.0)
        assert np.allclose(amps, expect, atol=1e-21)
        assert "v axon(1)" in f.acquisition and "i_na soma(0.5)" in f.processing["ranvier"].data_interfaces
        assert len(f.intracellular_recordings) == 2
        notes = json.loads(f.notes)
        assert notes["model_hash"] == res.attrs["model_hash"] and notes["dt_ms"] == res.attrs["dt_ms"]
        assert "hh_na" in f.experiment_description and "Hodgkin" in f.experiment_description
        assert "Simulated data" in f.data_collection


def test_voltage_clamp_series(tmp_path):
    cell = rv.Cell(rv.cable(50.0, 20.0, nseg=1, tags=("soma",)), mechanisms=(rv.hh_na, rv.hh_k, rv.hh_leak),
                   temperature_degC=6.3)
    vc = rv.VoltageClamp.steps(rv.Site("cable"), -70.0, 0.0, 1.0, 3.0)
    sim = rv.Simulation(cell, (vc,), (rv.Probe(rv.Site("cable"), ("v", "clamp_i_nA")),), tstop_ms=5.0)
    res = sim.run()
    path = rv.to_nwb(res, tmp_path / "vc.nwb", sim)
    _, crit = _critical(path)
    assert not crit, [m.message for m in crit]
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        f = io.read()
        i = f.acquisition["clamp current cable(0.5)"]
        assert isinstance(i, pynwb.icephys.VoltageClampSeries)
        assert np.allclose(i.data[:] * i.conversion, res.clamp_i_nA.values[0] * 1e-9, atol=1e-21)
        cmd = f.stimulus["command cable(0.5)"]
        assert np.allclose(cmd.data[:] * cmd.conversion, vc.waveform(res.time.values) * 1e-3)


def test_bad_paths_are_refused(current_clamp_run, tmp_path):
    sim, res = current_clamp_run
    with pytest.raises(RanvierError, match=r"end in \.nwb"):
        rv.to_nwb(res, tmp_path / "x.h5", sim)
    p = rv.to_nwb(res, tmp_path / "y.nwb", sim)
    with pytest.raises(RanvierError, match=r"exists; pass overwrite=True"):
        rv.to_nwb(res, p, sim)
    with pytest.raises(RanvierError, match=r"expects a result Dataset"):
        rv.to_nwb({"v": 1}, tmp_path / "z.nwb")


def test_a_batch_keeps_each_cell_apart(tmp_path):
    """Sites of cell k > 0 are labelled "cellk/..." in ranvier; NWB names may not hold "/", so "cellk ...",
    and each electrode carries its cell as cell_id."""
    cell = rv.Cell(rv.cable(50.0, 20.0, nseg=1, tags=("soma",)), mechanisms=(rv.hh_na, rv.hh_k, rv.hh_leak),
                   temperature_degC=6.3)
    sim = rv.Simulation([cell, cell], (rv.CurrentClamp.step(rv.Site("cable", cell=1), 0.5, 1.0, 0.5),),
                        (rv.Probe(rv.Site("cable"), ("v",)), rv.Probe(rv.Site("cable", cell=1), ("v",))), tstop_ms=3.0)
    res = sim.run()
    path = rv.to_nwb(res, tmp_path / "batch.nwb", sim)
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        f = io.read()
        assert sorted(f.acquisition) == ["v cable(0.5)", "v cell1 cable(0.5)"]
        v1 = f.acquisition["v cell1 cable(0.5)"]
        assert np.allclose(v1.data[:], res.v.sel(site="cell1/cable(0.5)").values)
        assert v1.electrode.cell_id == "cell1" and list(f.stimulus) == ["stimulus cell1 cable(0.5)"]
