"""The lane engine against the general engine: same model, same answer, to rounding.

The lane engine (ranvier.numerics.lanes) reorders the same arithmetic: gates and channels
pass over 8 (batches) or 32 (one cable) lanes at a time, and one long cable is solved as chained segments
joined by a small reduced system. Nothing about the physics changes, so every recorded
value must match the general engine's to rounding. 1e-7 mV over hundreds of steps
and several spikes is far below any physical tolerance and far above double rounding
(observed: ~1e-9 mV); an error in the partitioned solve or in the lane bookkeeping shows up
as millivolts.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ranvier as rv
from ranvier.analysis import spike_times
from ranvier.errors import RanvierError, SimulationError
from ranvier.numerics.lanes import LANES, MIN_CHAIN_NODES, plan_lanes

TOL_MV = 1e-7


def _hh(length_um=1500.0, diam_um=1.0, nseg=300, gna=None):
    na = rv.hh_na if gna is None else dataclasses.replace(rv.hh_na, gbar_S_cm2=gna)
    return rv.Cell(rv.cable(length_um, diam_um, nseg=nseg), mechanisms=[na, rv.hh_k, rv.leak(2.5e-5, -65.0)],
                   temperature_degC=6.3, reversal_mV={"na": 50.0, "k": -77.0})


def _both(sim: rv.Simulation):
    fast = sim.run()
    slow = dataclasses.replace(sim, engine="general").run()
    return fast, slow


def _assert_same(fast, slow, tol=TOL_MV):
    assert fast.attrs["engine"].startswith("lanes"), fast.attrs["engine"]
    assert slow.attrs["engine"] == "general"
    for name in fast.data_vars:
        a, b = fast[name].values, slow[name].values
        # a variable is NaN at the sites that do not record it, in both results alike
        assert np.array_equal(np.isnan(a), np.isnan(b)) and np.isfinite(a).any()
        np.testing.assert_allclose(a, b, rtol=0, atol=tol, err_msg=name)


def _spikes(trace, t):
    return spike_times(t, trace)


@pytest.mark.parametrize("method", ["be", "cn"])
def test_one_long_cable_as_chained_segments(method):
    cell = _hh()
    probes = [rv.Probe(rv.Site("cable", x), ("v",)) for x in (0.0, 0.13, 0.5, 0.87, 1.0)]
    probes.append(rv.Probe(rv.Site("cable", 0.5), ("hh_na_m", "hh_k_n")))
    sim = rv.Simulation(cell, stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0), 0.2, delay_ms=1.0)],
                        probes=probes, tstop_ms=30.0, dt_ms=0.025, method=method)
    fast, slow = _both(sim)
    assert "chained segments" in fast.attrs["engine"]
    _assert_same(fast, slow)
    # the comparison covers propagating spikes, not a cable at rest
    t = fast.time.values
    assert len(_spikes(fast.v.values[4], t)) >= 2


@pytest.mark.parametrize("method", ["be", "cn"])
def test_batch_of_identical_cells_padded_to_whole_blocks(method):
    # 11 cells: one full block and one with 5 padding lanes; each cell its own size,
    # sodium density and stimulus, so that a mixed-up lane shows
    n = LANES + 3
    cells = [_hh(length_um=200.0 + 20 * k, diam_um=1.0 + 0.1 * k, nseg=20, gna=0.12 - 0.002 * k) for k in range(n)]
    stimuli = [rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=k), 0.1 + 0.04 * k, delay_ms=0.5 * k)
               for k in range(n)]
    probes = [rv.Probe(rv.Site("cable", 1.0, cell=k), ("v",)) for k in range(n)]
    probes.append(rv.Probe(rv.Site("cable", 0.5, cell=n - 1), ("hh_na_h",)))
    sim = rv.Simulation(cells, stimuli=stimuli, probes=probes, tstop_ms=25.0, dt_ms=0.025, method="be")
    if method == "cn":
        # lanes move in lockstep, so Crank-Nicolson needs stimulus jumps at the same times
        stimuli = [rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=k), 0.1 + 0.04 * k, delay_ms=1.0)
                   for k in range(n)]
        sim = dataclasses.replace(sim, stimuli=stimuli, method="cn")
    fast, slow = _both(sim)
    assert "identical cells" in fast.attrs["engine"]
    _assert_same(fast, slow)
    t = fast.time.values
    spikes = [_spikes(fast.v.values[k], t) for k in range(n)]
    assert all(len(sp) >= 2 for sp in spikes)
    assert len({round(float(sp[0]), 6) for sp in spikes}) == n  # every cell fires at its own time


def test_off_table_voltages_take_the_exact_rates_in_both_engines():
    # a 30 nA step drives a thin cable beyond the rate tables' +150 mV
    sim = rv.Simulation(_hh(nseg=300), stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0), 30.0, 1.0, 0.5)],
                        probes=[rv.Probe(rv.Site("cable", x), ("v", "hh_na_m")) for x in (0.0, 0.5)],
                        tstop_ms=8.0, dt_ms=0.025, method="be")
    fast, slow = _both(sim)
    assert fast.v.values[0].max() > 150.0
    _assert_same(fast, slow, tol=1e-6)


def test_progress_chunks_carry_the_damped_steps():
    sim = rv.Simulation(_hh(nseg=300), stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0), 0.3, 2.0, 5.0)],
                        probes=[rv.Probe(rv.Site("cable", 1.0), ("v",))], tstop_ms=20.0, dt_ms=0.025, method="cn")
    whole = sim.run(progress=False)
    chunked = sim.run(progress=True)
    np.testing.assert_array_equal(whole.v.values, chunked.v.values)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nseg=st.integers(MIN_CHAIN_NODES, 700), amp=st.floats(0.0, 0.5), x=st.floats(0.0, 1.0))
def test_chained_solve_matches_for_any_cable_length(nseg, amp, x):
    # lengths that are not multiples of LANES leave padding nodes at the end of the last lane
    sim = rv.Simulation(_hh(length_um=5.0 * nseg, nseg=nseg),
                        stimuli=[rv.CurrentClamp.step(rv.Site("cable", x), amp)],
                        probes=[rv.Probe(rv.Site("cable", y), ("v",)) for y in (0.0, x, 1.0)],
                        tstop_ms=6.0, dt_ms=0.025, method="be", v_init_mV=-65.0)
    fast, slow = _both(sim)
    _assert_same(fast, slow)


def test_blow_up_is_reported_by_the_lane_engine_too():
    sim = rv.Simulation(_hh(nseg=300), stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.5), 1e308)],
                        probes=[rv.Probe(rv.Site("cable", 0.5), ("v",))], tstop_ms=1.0, dt_ms=0.025, method="be")
    for s in (sim, dataclasses.replace(sim, engine="general")):
        with pytest.raises(SimulationError):
            s.run()


def _plan(sim):
    recs, m, layout, units, tabs, dv, err = sim.prepare()
    return plan_lanes(m, tabs, sim.method == "cn")


def test_models_that_do_not_fit_run_on_the_general_engine():
    base = rv.Simulation(_hh(nseg=300), stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0), 0.1)],
                         probes=[rv.Probe(rv.Site("cable", 1.0), ("v",))], tstop_ms=1.0)
    assert _plan(base) is not None
    short = dataclasses.replace(base, cells=(_hh(nseg=50),))
    no_tables = dataclasses.replace(base, rate_tables=False)
    clamp = dataclasses.replace(base, stimuli=[rv.VoltageClamp.steps(rv.Site("cable", 0.0), -65.0, 0.0, 0.1, 0.5)])
    ion_current = dataclasses.replace(base, probes=[rv.Probe(rv.Site("cable", 1.0), ("i_na",))])
    # fewer than LANES cells of each structure: no class is worth lanes
    mixed = dataclasses.replace(base, cells=tuple(_hh(nseg=20 + (k % 2)) for k in range(2 * LANES - 2)),
                                stimuli=(), probes=())
    batch = dataclasses.replace(base, cells=tuple(_hh(nseg=20) for _ in range(LANES)), probes=(),
                                stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=k), 0.1, delay_ms=float(k))
                                         for k in range(LANES)])
    assert _plan(dataclasses.replace(batch, method="be")) is not None
    cn_apart = dataclasses.replace(batch, method="cn")  # damped CN steps at different times per cell
    for sim in (short, no_tables, clamp, ion_current, mixed, cn_apart):
        assert _plan(sim) is None
        res = sim.run()
        assert res.attrs["engine"] == "general"


def test_engine_setting_is_checked():
    with pytest.raises(RanvierError, match="engine"):
        rv.Simulation(_hh(nseg=10), engine="fastest")


# ---- follower nodes (ranvier.numerics.followers), taken out by engine="auto"

def _soma():
    soma = rv.Section("soma", 20.0, 20.0, nseg=1, tags=("soma",))
    return rv.Cell(rv.Morphology([soma]), mechanisms=[rv.hh_na, rv.hh_k, rv.hh_leak], temperature_degC=6.3)


@pytest.mark.parametrize("method", ["be", "cn"])
def test_one_compartment_without_its_end_nodes(method):
    # the soma's two zero-area end nodes follow its centre; recordings there read the centre
    sim = rv.Simulation(_soma(), stimuli=[rv.CurrentClamp.step(rv.Site("soma", 0.5), 0.1, 2.0)],
                        probes=[rv.Probe(rv.Site("soma", x), ("v",)) for x in (0.0, 0.5, 1.0)],
                        tstop_ms=40.0, dt_ms=0.025, method=method)
    recs, m, *_ = sim.prepare()
    run_model, keep = sim._run_model(m)
    assert m.parent.shape[0] == 3 and keep.tolist() == [1]
    fast = sim.run()
    slow = dataclasses.replace(sim, engine="general").run()
    assert fast.attrs["engine"] == slow.attrs["engine"] == "general"
    np.testing.assert_allclose(fast.v.values, slow.v.values, rtol=0, atol=TOL_MV)
    assert len(_spikes(fast.v.values[1], fast.time.values)) >= 2


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(depth=st.integers(1, 3), where=st.integers(0, 50), rec=st.integers(0, 50), x=st.sampled_from([0.0, 0.3, 1.0]))
def test_followers_change_no_voltage_on_a_branched_cell(depth, where, rec, x):
    soma = rv.Section("soma", 20.0, 20.0, nseg=1, tags=("soma",))
    tree = rv.binary_tree(depth, 80.0, 2.0, parent="soma", parent_x=0.0, nseg=3)
    cell = rv.Cell(rv.Morphology([soma, *tree]),
                   mechanisms=[(rv.hh_na, "soma"), (rv.hh_k, "soma"), rv.leak(1e-4, -65.0)], temperature_degC=6.3)
    names = [s.name for s in cell.morphology.sections]
    stim_site = rv.Site(names[where % len(names)], x)
    rec_site = rv.Site(names[rec % len(names)], 1.0 - x)
    sim = rv.Simulation(cell, stimuli=[rv.CurrentClamp.step(stim_site, 0.3, 1.0)],
                        probes=[rv.Probe(rec_site, ("v",)), rv.Probe(rv.Site("soma", 0.5), ("v",))],
                        tstop_ms=8.0, dt_ms=0.025, method="cn")
    m = sim.prepare()[1]
    assert sim._run_model(m)[1] is not None  # the leaves' end nodes at least go
    fast = sim.run()
    slow = dataclasses.replace(sim, engine="general").run()
    np.testing.assert_allclose(fast.v.values, slow.v.values, rtol=0, atol=TOL_MV)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(LANES, 3 * LANES + 1), seed=st.integers(0, 2**16), method=st.sampled_from(["be", "cn"]))
def test_batches_of_any_size_match_the_general_engine(n, seed, method):
    rng = np.random.default_rng(seed)
    cells = [_hh(length_um=float(rng.uniform(100, 400)), diam_um=float(rng.uniform(0.5, 2.0)), nseg=12,
                 gna=float(rng.uniform(0.08, 0.15))) for _ in range(n)]
    amps = rng.uniform(0.0, 0.4, n)
    stimuli = [rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=k), float(amps[k]), delay_ms=1.0) for k in range(n)]
    probes = [rv.Probe(rv.Site("cable", float(rng.uniform(0, 1)), cell=k), ("v",)) for k in range(n)]
    sim = rv.Simulation(cells, stimuli=stimuli, probes=probes, tstop_ms=6.0, dt_ms=0.025, method=method)
    fast, slow = _both(sim)
    _assert_same(fast, slow)


def test_lane_results_do_not_depend_on_threads():
    n = 3 * LANES
    cells = [_hh(length_um=300.0, nseg=15, gna=0.1 + 0.001 * k) for k in range(n)]
    sim = rv.Simulation(cells, stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=k), 0.2) for k in range(n)],
                        probes=[rv.Probe(rv.Site("cable", 1.0, cell=k), ("v",)) for k in range(n)],
                        tstop_ms=10.0, dt_ms=0.025)
    import numba

    one = sim.run(threads=1)
    two = sim.run(threads=min(2, numba.config.NUMBA_NUM_THREADS))
    assert "identical cells" in one.attrs["engine"]
    np.testing.assert_array_equal(one.v.values, two.v.values)


def test_classes_of_identical_cells_run_in_lanes_and_the_rest_on_the_general_engine():
    # LANES cells of one length, LANES + 2 of another, 3 odd ones: two lane plans and a remainder
    sizes = [30] * LANES + [24] * (LANES + 2) + [10, 11, 12]
    order = np.random.default_rng(7).permutation(len(sizes))  # classes interleaved in the batch
    cells = [_hh(length_um=10.0 * sizes[k], nseg=sizes[k], gna=0.1 + 0.001 * k) for k in order]
    n = len(cells)
    sim = rv.Simulation(cells, stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=k), 0.15 + 0.01 * k, 0.5)
                                        for k in range(n)],
                        probes=[rv.Probe(rv.Site("cable", 1.0, cell=k), ("v",)) for k in range(n)],
                        tstop_ms=12.0, dt_ms=0.025, method="be")
    sched = _plan(sim)
    assert sorted(p.cells.shape[0] for p in sched.plans) == [LANES, LANES + 2] and sched.rest.shape[0] == 3
    fast, slow = _both(sim)
    assert "3 other cells on the general engine" in fast.attrs["engine"]
    _assert_same(fast, slow)


@pytest.mark.parametrize("method", ["be", "cn"])
def test_one_branched_cell_in_one_lane(method):
    # P4 in small: HH soma and axon, passive binary dendrites; any tree runs in a single lane
    soma = rv.Section("soma", 20.0, 20.0, nseg=1, tags=("soma",))
    tree = rv.binary_tree(3, 100.0, 3.0, parent="soma", parent_x=0.0, nseg=5)
    axon = rv.Section("axon", 300.0, 1.0, parent="soma", parent_x=1.0, nseg=60, tags=("axon",))
    cell = rv.Cell(rv.Morphology([soma, *tree, axon]),
                   mechanisms=[(rv.hh_na, ("soma", "axon")), (rv.hh_k, ("soma", "axon")),
                               (rv.hh_leak, ("soma", "axon")), (rv.leak(1e-4, -65.0), "dend")],
                   temperature_degC=6.3)
    leaf = [s.name for s in cell.morphology.sections][-2]
    sim = rv.Simulation(cell, stimuli=[rv.CurrentClamp.step(rv.Site("soma", 0.5), 0.6, 1.0),
                                       rv.CurrentClamp.step(rv.Site(leaf, 1.0), -0.05, 3.0, 4.0)],
                        probes=[rv.Probe(rv.Site("soma", 0.5), ("v", "hh_na_m")), rv.Probe(rv.Site("axon", 1.0), ("v",)),
                                rv.Probe(rv.Site(leaf, 0.5), ("v",))],
                        tstop_ms=15.0, dt_ms=0.025, method=method)
    fast, slow = _both(sim)
    assert "one branched cell in one lane" in fast.attrs["engine"]
    # the axon (60 nodes) and the dendrites (39 with their junctions) are eliminated side by
    # side (hines_solve_two)
    run_model, _ = sim._run_model(sim.prepare()[1])
    lane = plan_lanes(run_model, sim.prepare()[4], method == "cn").plans[0].model
    assert (lane.n_pos - lane.split_a, lane.split_a - 1 - lane.split_j) == (60, 39)
    _assert_same(fast, slow)
    assert len(_spikes(fast.v.values[1], fast.time.values)) >= 1  # it fires, and the spike reaches the axon's end


def test_a_batch_on_lanes_keeps_only_a_slim_model_between_runs():
    # every cell on lanes: the lowered model's node, channel and gate arrays are not kept (the
    # lane plan has its own copy), and later runs still give the first run's answer
    cells = [_hh(length_um=100.0, nseg=20) for _ in range(LANES)]
    stims = [rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=k), 0.05 + 0.02 * k, 1.0) for k in range(LANES)]
    sim = rv.Simulation(cells, stimuli=stims, probes=[rv.Probe(rv.Site("cable", 1.0, cell=k), ("v",)) for k in range(LANES)],
                        tstop_ms=5.0, dt_ms=0.025)
    first = sim.run()
    assert "identical cells" in first.attrs["engine"]
    rt = sim.__dict__["_runtime_cache"]
    assert rt.model.parent.shape[0] == 0 and rt.model.chan_gmax.shape[0] == 0 and rt.model.gate_node.shape[0] == 0
    assert rt.model.wave_y.shape[0] > 0  # what the lane kernel reads (clamp waveforms) stays
    np.testing.assert_array_equal(sim.run().v.values, first.v.values)
    slow = dataclasses.replace(sim, engine="general").run()
    _assert_same(first, slow)


def test_the_slim_model_keeps_every_general_field_the_lane_kernels_read():
    # under a full lane plan the general model's other arrays are emptied (slim_model); a kernel
    # reading one of them would index an empty array (no bounds checks in compiled code)
    import inspect
    import re

    from ranvier.numerics import lanes

    read = set()
    for fn in (lanes.run_block, lanes.run_blocks, lanes.integrate_single,
               lanes.integrate_chain, lanes.damp_store):
        read |= set(re.findall(r"\bm\.(\w+)", inspect.getsource(fn.py_func)))
    assert read and read <= set(lanes.GENERAL_FIELDS_READ), read - set(lanes.GENERAL_FIELDS_READ)
