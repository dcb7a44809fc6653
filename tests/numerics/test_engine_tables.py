"""The production engine's fast paths against its exact path: rate tables and threads."""

from __future__ import annotations

import numpy as np
import pytest

import ranvier as rv
from ranvier.analysis import spike_times
from ranvier.assemble import assemble
from ranvier.numerics.rates import gate_inf_rate
from ranvier.numerics.tables import TABLE_TOLERANCE, build_gate_tables


def _hh_axon(temperature=6.3, nseg=100):
    return rv.Cell(rv.cable(500.0, 1.0, nseg=nseg), mechanisms=[rv.hh_na, rv.hh_k, rv.leak(2.5e-5, -65.0)],
                   temperature_degC=temperature, reversal_mV={"na": 50.0, "k": -77.0})


@pytest.mark.parametrize("temperature", [6.3, 37.0])
def test_tables_meet_their_interpolation_tolerance(temperature):
    m, _, _ = assemble((_hh_axon(temperature),), (), ())
    tabs, dv, err = build_gate_tables(m, 0.025)
    assert err <= TABLE_TOLERANCE
    # an independent check at random voltages, against the declared gates themselves
    rng = np.random.default_rng(1)
    v = rng.uniform(-150.0, 100.0, 2000)
    for row in range(tabs.tab.shape[0]):
        k = int(np.nonzero(tabs.gate_table == row)[0][0])
        x = (v - tabs.vmin) * tabs.inv_dv
        j = x.astype(int)
        f = x - j
        inf_tab = tabs.tab[row, j, 0] + f * (tabs.tab[row, j + 1, 0] - tabs.tab[row, j, 0])
        gt = m.gate_type[k]
        exact = np.array([gate_inf_rate(m.type_kind[gt], m.type_form[gt], m.type_par[gt], vi)[0] for vi in v])
        assert np.max(np.abs(inf_tab - exact)) <= TABLE_TOLERANCE


@pytest.mark.parametrize("method", ["be", "cn"])
def test_tabulated_and_exact_rates_give_the_same_spikes(method):
    # The table error (<= 1e-7 in a gate) must be invisible next to the time-step error:
    # spike times agree to 1e-4 ms (the CN dt=25 us error on Rallpack 3 is ~1e-2 ms).
    probes = [rv.Probe(rv.Site("cable", 0.0), ("v",)), rv.Probe(rv.Site("cable", 1.0), ("v",))]
    kw = dict(stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0), 0.1)], probes=probes, tstop_ms=60.0,
              dt_ms=0.025, method=method, v_init_mV=-65.0)
    fast = rv.Simulation(_hh_axon(), rate_tables=True, **kw).run()
    exact = rv.Simulation(_hh_axon(), rate_tables=False, **kw).run()
    assert "on: grid" in fast.attrs["rate_tables"] and "off" in exact.attrs["rate_tables"]
    t = fast.time.values
    for k in range(2):
        a = spike_times(t, fast.v[k].values)
        b = spike_times(t, exact.v[k].values)
        assert len(a) == len(b) >= 3
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_tabulated_model_starts_at_its_own_rest():
    cell = rv.Cell(rv.cable(200.0, 2.0, nseg=9), mechanisms=[rv.hh_na, rv.hh_k, rv.hh_leak], temperature_degC=20.0)
    res = rv.Simulation(cell, probes=[rv.Probe(rv.Site("cable", 0.5), ("v",))], tstop_ms=20.0, dt_ms=0.025).run()
    v = res.v[0].values
    assert np.max(np.abs(v - v[0])) < 1e-9


def test_two_threads_give_the_same_batch_as_one():
    cells = [_hh_axon(6.3 + 3 * k, nseg=20) for k in range(6)]
    stims = [rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=k), 0.05 + 0.02 * k) for k in range(6)]
    probes = [rv.Probe(rv.Site("cable", 1.0, cell=k), ("v",)) for k in range(6)]
    sim = rv.Simulation(cells, stims, probes, tstop_ms=30.0, dt_ms=0.025)
    import numba

    one = sim.run(threads=1)
    two = sim.run(threads=min(2, numba.config.NUMBA_NUM_THREADS))
    np.testing.assert_array_equal(one.v.values, two.v.values)
