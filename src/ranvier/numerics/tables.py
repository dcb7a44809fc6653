"""Rate tables: each gate's steady state and exponential-Euler decay factor on a voltage grid.

For a fixed dt the exponential-Euler update of a gate is s' = inf(v) + (s - inf(v)) d(v)
with d(v) = exp(-dt phi r(v)). Both inf and d are smooth in v, so the engine reads them
from a table by linear interpolation instead of evaluating three exponentials per gate
per step (NEURON's TABLE does the same with a 1 mV grid). The grid here is refined until
the interpolation error, measured at every midpoint, is below ``TABLE_TOLERANCE``; the
error reached is reported with the result. Outside the grid the engine evaluates the
rates directly.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ranvier.numerics.jit import kernel


from ranvier.numerics.rates import gate_inf_rate

TABLE_V_MIN_MV = -200.0
TABLE_V_MAX_MV = 150.0
TABLE_TOLERANCE = 1e-7  # absolute, on inf and on the decay factor (both dimensionless in [0, 1])
TABLE_DV_START_MV = 0.05
TABLE_DV_MIN_MV = 0.05 / 64
# Tables already built, by (dt, the tabulated gate types and their temperature factors). A run
# that changes concentrations, stimuli or morphology but not channels, temperature or dt (the
# lab's re-simulations) reuses them: building the seed circuit's took ~2 s of each run.
_CACHE: dict[tuple, tuple[np.ndarray, float, float]] = {}
_CACHE_SIZE = 16


class GateTables(NamedTuple):
    tab: np.ndarray  # float64[ntab, K, 2]: (inf, decay) per grid point; K == 0 means "no tables"
    vmin: float
    inv_dv: float
    gate_table: np.ndarray  # int32[ng]: table row of each gate instance (-1: not tabulated)


@kernel
def _fill(kind, form, par, phi, dt, v, out):
    for j in range(v.shape[0]):
        inf, r = gate_inf_rate(kind, form, par, v[j])
        out[j, 0] = inf
        out[j, 1] = np.exp(-dt * phi * r)


def no_tables(n_gates: int) -> GateTables:
    """Direct evaluation of every rate (exact; slower)."""
    return GateTables(np.zeros((0, 0, 2)), 0.0, 1.0, np.zeros(n_gates, np.int32))


def build_gate_tables(m, dt_ms: float) -> tuple[GateTables, float, float]:
    """Tables for every distinct (gate type, temperature factor) of model ``m`` at step ``dt_ms``.

    Returns the tables, the grid step (mV) and the largest interpolation error found.
    """
    ng = m.gate_node.shape[0]
    if ng == 0:
        return no_tables(0), 0.0, 0.0
    # only voltage-gated types (kinds 0 and 1) are tabulated; ligand and block gates get row -1.
    # One row per distinct (type, phi), in (type, phi) order, found type by type (P3: 300,000
    # gates of 3 types; a 2-D np.unique over all of them took 20 MiB of temporaries)
    inverse = np.full(ng, -1, np.int32)
    rows: list[tuple[int, float]] = []
    for t in np.unique(m.gate_type):
        if m.type_kind[t] > 1:
            continue
        sel = np.flatnonzero(m.gate_type == t)
        phis, rank = np.unique(m.gate_phi[sel], return_inverse=True)
        inverse[sel] = rank.ravel() + len(rows)
        rows.extend((int(t), float(p)) for p in phis)
    if not rows:
        return GateTables(np.zeros((0, 0, 2)), 0.0, 1.0, inverse), 0.0, 0.0
    uniq = np.array(rows, dtype=np.float64)
    key = (float(dt_ms), tuple((np.asarray(m.type_kind[t]).tobytes(), np.asarray(m.type_form[t]).tobytes(),
                                np.asarray(m.type_par[t]).tobytes(), phi) for t, phi in rows))
    hit = _CACHE.get(key)
    if hit is not None:
        tab, dv, err = hit
        return GateTables(tab, TABLE_V_MIN_MV, 1.0 / dv, inverse), dv, err
    dv = TABLE_DV_START_MV
    while True:
        k = int(round((TABLE_V_MAX_MV - TABLE_V_MIN_MV) / dv)) + 1
        grid = TABLE_V_MIN_MV + dv * np.arange(k)
        mid = grid[:-1] + 0.5 * dv
        tab = np.empty((uniq.shape[0], k, 2))
        err = 0.0
        exact_mid = np.empty((k - 1, 2))
        for row, (gt, phi) in enumerate(uniq):
            gt = int(gt)
            _fill(m.type_kind[gt], m.type_form[gt], m.type_par[gt], float(phi), float(dt_ms), grid, tab[row])
            _fill(m.type_kind[gt], m.type_form[gt], m.type_par[gt], float(phi), float(dt_ms), mid, exact_mid)
            interp = 0.5 * (tab[row, :-1] + tab[row, 1:])
            err = max(err, float(np.max(np.abs(interp - exact_mid))))
        if err <= TABLE_TOLERANCE or dv <= TABLE_DV_MIN_MV:
            break
        dv *= 0.5
    tables = GateTables(tab, TABLE_V_MIN_MV, 1.0 / dv, inverse)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (tab, dv, err)
    return tables, dv, err


@kernel
def tabulated_steady_states(v, gate_node, gate_table, tab, vmin, inv_dv, state):
    """Overwrite each gate's steady state with the table's value where v lies on the grid.

    The engine integrates the tabulated model, whose fixed point is the table's inf; the
    resting state is found for that same model, so a cell started at rest stays there.
    """
    kmax = tab.shape[1] - 1
    if kmax <= 0:
        return
    for k in range(state.shape[0]):
        x = (v[gate_node[k]] - vmin) * inv_dv
        row = gate_table[k]
        if row >= 0 and x >= 0.0 and x < kmax:
            j = int(x)
            fr = x - j
            state[k] = tab[row, j, 0] + fr * (tab[row, j + 1, 0] - tab[row, j, 0])
