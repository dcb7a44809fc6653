"""Rate tables are reused between runs with the same channels, temperature and dt, and only then."""

from __future__ import annotations

import numpy as np

import ranvier as rv
from ranvier.assemble import assemble
from ranvier.numerics import tables


def _model(temperature_degC: float, k_out_mM: float = 5.0):
    cell = rv.Cell(rv.cable(length_um=200.0, diam_um=2.0), mechanisms=[rv.hh_na, rv.hh_k, rv.hh_leak],
                   concentrations=rv.Concentrations.squid().with_(k_out_mM=k_out_mM),
                   temperature_degC=temperature_degC)
    return assemble([cell], (), (), ())[0]


def test_same_rates_reuse_the_tables_and_they_equal_a_fresh_build():
    tables._CACHE.clear()
    first, dv1, err1 = tables.build_gate_tables(_model(6.3), 0.025)
    again, dv2, err2 = tables.build_gate_tables(_model(6.3, k_out_mM=20.0), 0.025)  # concentrations do not enter
    assert again.tab is first.tab and (dv1, err1) == (dv2, err2)
    tables._CACHE.clear()
    fresh, dv3, err3 = tables.build_gate_tables(_model(6.3), 0.025)
    assert fresh.tab is not first.tab
    np.testing.assert_array_equal(fresh.tab, first.tab)
    np.testing.assert_array_equal(fresh.gate_table, again.gate_table)
    assert (dv3, err3) == (dv1, err1) and err1 <= tables.TABLE_TOLERANCE


def test_other_temperature_or_dt_builds_new_tables():
    tables._CACHE.clear()
    base = tables.build_gate_tables(_model(6.3), 0.025)[0]
    warm = tables.build_gate_tables(_model(20.0), 0.025)[0]
    finer = tables.build_gate_tables(_model(6.3), 0.01)[0]
    assert warm.tab is not base.tab and not np.array_equal(warm.tab, base.tab)  # Q10 changes the rates
    assert finer.tab is not base.tab and not np.array_equal(finer.tab[..., 1], base.tab[..., 1])  # decay uses dt
