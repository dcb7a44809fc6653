"""rv.sweep batches points into one Simulation: the batched run must equal each point run alone.

Reference: ``Simulation.run()`` of each point's own Simulation (the target's ``build``), which
is the code path a user without sweeps takes. Tolerance 1e-12 (relative to the 100 mV scale of
the traces): the batch runs the same arithmetic per cell (lanes of identical cells, the
resting state by the same Newton iteration), so only rounding could differ.
"""

from __future__ import annotations

import numpy as np
import pytest

import ranvier as rv
from ranvier.errors import RanvierError
from ranvier.sweep.batch import merge, run_batched, split
from ranvier.sweep.targets import CONDUCTION

GRID = {"fiber_diam_um": [4.0, 8.0, 12.0], "myelin_fraction": [1.0, 0.5, 0.2], "n_nodes": [7.0]}


def _sims():
    pts = rv.sweep.grid(**GRID)
    return pts, [CONDUCTION.build(**CONDUCTION.full(r)) for r in pts.rows()]


def test_batched_traces_equal_single_runs():
    pts, sims = _sims()
    merged, offsets = merge(sims)
    batch = merged.run(progress=False)
    assert "lanes" in batch.attrs["engine"], f"the batch of 9 identical fibres did not run in lanes: {batch.attrs['engine']}"
    for k, sim in enumerate(sims):
        alone = sim.run(progress=False)
        part = split(batch, offsets, k)
        assert list(part.site.values) == list(alone.site.values)
        err = float(np.max(np.abs(part.v.values - alone.v.values)))
        assert err <= 1e-12 * 100.0, f"point {pts.point(k)}: batched trace differs from the single run by {err:.3g} mV"


def test_sweep_quantities_equal_single_runs_and_hursh_band():
    pts, sims = _sims()
    ds = rv.sweep(CONDUCTION, pts, scheduler="in-process", chunk_size=9)
    assert ds.attrs["chunks_total"] == 1 and ds.attrs["points_failed"] == 0, ds.attrs
    for k, sim in enumerate(sims):
        p = pts.point(k)
        ref = CONDUCTION.measure(sim.run(progress=False))
        got = ds.sel(p)
        for q, v in ref.items():
            g = float(got[q])
            assert (np.isnan(v) and np.isnan(g)) or abs(g - v) <= 1e-12 * max(1.0, abs(v)), (
                f"{q} at {p}: sweep {g!r} vs single run {v!r}")
    # intact fibres: Hursh JB (1939) Am J Physiol 127:131, doi:10.1152/ajplegacy.1939.127.1.131,
    # ~6 m/s per um of fibre diameter; the band 4.5-6.5 m/s/um admits the MRG-based model's 5.5
    # (ranvier.myelin docstring) and the spread of Hursh's data (his factor ranged ~4.5-6).
    intact = ds.sel(myelin_fraction=1.0, n_nodes=7.0)
    ratio = intact.velocity_m_s.values / intact.fiber_diam_um.values
    assert np.all((ratio > 4.5) & (ratio < 6.5)), f"velocity / diameter {ratio} m/s/um outside Hursh's 4.5-6.5"
    # loss of myelin slows conduction at every diameter (Rasminsky & Sears 1972, J Physiol 227:323,
    # doi:10.1113/jphysiol.1972.sp010035: internodal conduction time rises in demyelinated fibres)
    v = ds.velocity_m_s.sel(n_nodes=7.0)
    slower = v.sel(myelin_fraction=0.5).values < v.sel(myelin_fraction=1.0).values
    assert np.all(slower | np.isnan(v.sel(myelin_fraction=0.5).values)), f"velocities {v.values}"


def test_batched_groups_by_settings():
    """Points whose simulations differ in dt run as separate batches, each equal to its single runs."""
    rows = [{"fiber_diam_um": 6.0, "n_nodes": 7.0, "dt_ms": 0.0025}, {"fiber_diam_um": 6.0, "n_nodes": 7.0, "dt_ms": 0.005}]
    sims = [CONDUCTION.build(**CONDUCTION.full(r)) for r in rows]
    out = run_batched(sims)
    for sim, res in zip(sims, out):
        alone = sim.run(progress=False)
        assert res.time.size == alone.time.size
        assert float(np.max(np.abs(res.v.values - alone.v.values))) <= 1e-10


def test_merge_refuses_different_settings_naming_them():
    a = CONDUCTION.build(**CONDUCTION.full({"n_nodes": 7.0}))
    b = CONDUCTION.build(**CONDUCTION.full({"n_nodes": 7.0, "dt_ms": 0.005}))
    with pytest.raises(RanvierError, match="dt_ms"):
        merge([a, b])


def test_bad_sweep_input_names_parameter_value_and_range():
    with pytest.raises(RanvierError, match=r"fiber_diam_um.*\[1, 25\].*40"):
        rv.sweep("myelin-and-diameter", {"fiber_diam_um": [5.0, 40.0]}, scheduler="in-process")
    with pytest.raises(RanvierError, match="fibre_diam"):
        rv.sweep("myelin-and-diameter", {"fibre_diam": [5.0]}, scheduler="in-process")
    with pytest.raises(RanvierError, match="scheduler"):
        rv.sweep("myelin-and-diameter", {"fiber_diam_um": [5.0]}, scheduler="nowhere")
    with pytest.raises(RanvierError, match="sweep target"):
        rv.sweep("no-such-target", {"x": [1.0]})
