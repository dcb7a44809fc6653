"""Shared builders for the kernel-versus-twin tests (imported by the test modules of this folder).

Kernels are numba functions compiled once per argument-type signature; every helper
here passes arrays of the same dtypes and layouts (and Python bool/float/int
scalars) as ``Simulation`` does, so each kernel is compiled (or loaded from the
on-disk cache) once per test session.
"""

from __future__ import annotations

import numpy as np

import ranvier as rv
from ranvier.assemble import assemble
from ranvier.numerics import engine, stepper
from ranvier.numerics.tables import build_gate_tables, no_tables
from ranvier.simulation import initial_xstate

DT_MS = 0.025

# A GHK (constant-field) Ca2+ current with an inf/tau gate, made up for the tests so
# that the permeability law (law 1) of the kernels is exercised; no catalogue channel
# uses it yet. Its kinetics are arbitrary but smooth.
GHK_CA = rv.Channel(
    name="test_cat",
    ion="ca",
    permeability_cm_s=5e-5,
    gates=(rv.Gate("m", 2, inf=rv.Sigmoid(1.0, -35.0, 6.0), tau=rv.Constant(1.5)),),
    q10=2.5,
    reference_temp_degC=22.0,
    citation="test-only channel (2024)",
)


def kernel_advance(m, v, state, t, dt, cn, damp=None):
    """Call ``stepper.advance`` on copies; ``damp`` is a per-cell flag (None: no cell damped)."""
    v = np.array(v, dtype=np.float64)
    state = np.array(state, dtype=np.float64)
    ncell = stepper.n_cells(m)
    d = np.zeros(ncell, np.int64) if damp is None else np.asarray(damp, dtype=np.int64).copy()
    n = v.shape[0]
    ws = [np.empty(n) for _ in range(6)]
    t_eval = np.empty(ncell)
    stepper.advance(m, v, state, float(t), float(dt), bool(cn), d, bool(cn and (d > 0).any()), t_eval, *ws)
    return v, state


def kernel_integrate(m, v, state, t0, dt, n_steps, cn, rec_every, damp=None, tables=False):
    """Call ``engine.integrate`` on copies; returns (status, step, v, state, out, damp).

    ``tables=False`` (default) evaluates every rate directly, so the engine must match
    the twins to round-off; ``tables=True`` uses the interpolated rate tables.
    """
    v = np.array(v, dtype=np.float64)
    state = np.array(state, dtype=np.float64)
    ncell = stepper.n_cells(m)
    d = np.zeros(ncell, np.int64) if damp is None else np.array(damp, dtype=np.int64)
    out = np.full((n_steps // rec_every + 1, m.rec_kind.shape[0]), np.nan)
    tabs = build_gate_tables(m, float(dt))[0] if tables else no_tables(m.gate_node.shape[0])
    xstate = initial_xstate(m)
    code, at = engine.integrate(m, tabs, v, state, xstate, float(t0), float(dt), int(n_steps), bool(cn), int(rec_every),
                                out, d)
    return int(code), int(at), v, state, out, d


def random_morphology(rng, prefix: str = "") -> rv.Morphology:
    """A soma with 0-4 more sections attached at either end or in the middle of an earlier one."""
    secs = [rv.Section(f"{prefix}soma", float(rng.uniform(8, 25)), float(rng.uniform(8, 25)), nseg=int(rng.integers(1, 3)),
                       cm_uF_cm2=float(rng.uniform(0.7, 1.5)), Ra_ohm_cm=float(rng.uniform(50, 200)))]
    for k in range(int(rng.integers(0, 5))):
        parent = secs[int(rng.integers(0, len(secs)))].name
        px = float(rng.choice([0.0, 1.0, rng.uniform(0.05, 0.95)]))
        secs.append(rv.Section(
            f"{prefix}s{k}", float(rng.uniform(20, 300)), float(rng.uniform(0.4, 4.0)), parent=parent, parent_x=px,
            nseg=int(rng.integers(1, 6)), cm_uF_cm2=float(rng.uniform(0.7, 1.5)), Ra_ohm_cm=float(rng.uniform(50, 200)),
        ))
    return rv.Morphology(secs)


def random_active_cell(rng, paired: bool = False) -> rv.Cell:
    """hh_na and hh_k on random sections (the same ones with ``paired``), a leak everywhere,
    and sometimes the GHK Ca2+ channel."""
    morph = random_morphology(rng)
    names = list(morph.names)
    pick = lambda: tuple(n for n in names if rng.random() < 0.7) or (names[0],)  # noqa: E731
    na_on = pick()
    mechs = [
        (rv.leak(float(rng.uniform(1e-5, 3e-4)), float(rng.uniform(-75, -55))), "all"),
        (rv.hh_na, na_on),
        (rv.hh_k, na_on if paired else pick()),
    ]
    if rng.random() < 0.6:
        mechs.append((GHK_CA, pick()))
    return rv.Cell(morph, mechanisms=mechs, temperature_degC=float(rng.uniform(6.3, 37.0)))


def random_site(rng, cell: rv.Cell, index: int) -> rv.Site:
    name = cell.morphology.names[int(rng.integers(0, len(cell.morphology.names)))]
    x = float(rng.choice([0.0, 1.0, 0.5, rng.uniform(0, 1)]))
    return rv.Site(name, x, cell=index)


def random_setup(seed: int, n_cells: int = 1, n_steps: int = 50, dt: float = DT_MS):
    """Random active cells, current and voltage clamps with jumps inside the run, and
    every kind of recording. Returns (model, v0, state0, cells)."""
    rng = np.random.default_rng(seed)
    cells = tuple(random_active_cell(rng) for _ in range(n_cells))
    t_end = n_steps * dt
    stimuli, recs = [], []
    for ci, cell in enumerate(cells):
        # current clamp: on and off inside the run, one switch on a step boundary
        t_on = float(rng.integers(0, n_steps // 2)) * dt
        t_off = float(rng.uniform(t_on, t_end))
        stimuli.append(rv.CurrentClamp(random_site(rng, cell, ci),
                                       rv.Waveform((0.0, t_on, t_off), (0.0, float(rng.uniform(-0.5, 1.0)), 0.0))))
        if rng.random() < 0.7:
            # voltage clamp: a ramp with a jump (two breakpoints at one time) in the middle
            tj = float(rng.uniform(0.2, 0.8)) * t_end
            w = rv.Waveform((0.0, tj, tj, t_end), tuple(float(x) for x in rng.uniform(-90, 0, 4)), "linear")
            vsite = random_site(rng, cell, ci)
            stimuli.append(rv.VoltageClamp(vsite, w, series_resistance_MOhm=float(10 ** rng.uniform(-3, 1))))
            recs.append(("clamp_i_nA", vsite))
        for _ in range(3):
            s = random_site(rng, cell, ci)
            recs += [("v", s), ("i_na", s), ("i_k", s), ("i_ca", s), ("i_nonspecific", s)]
            here = cell.channels_on(s.section)
            for ch in here.values():
                recs += [(f"{ch.name}_{g.name}", s) for g in ch.gates]
    recs = list(dict.fromkeys(recs))
    model, layout, _ = assemble(cells, tuple(stimuli), tuple(recs))
    n = model.parent.shape[0]
    v0 = rng.uniform(-80.0, -40.0, n)
    state0 = rng.uniform(0.0, 1.0, layout.n_gates)
    return model, v0, state0, cells


def passive_setup(seed: int, e_leak: float = -65.0, stimuli_fn=None, recordings=()):
    """A random passive tree with one nonspecific leak reversing at ``e_leak`` (mV)."""
    rng = np.random.default_rng(seed)
    g = float(rng.uniform(2e-5, 5e-4))
    cell = rv.Cell(random_morphology(rng), mechanisms=[rv.leak(g, e_leak)])
    stimuli = tuple(stimuli_fn(rng, cell)) if stimuli_fn else ()
    model, layout, _ = assemble((cell,), stimuli, tuple(recordings))
    return model, layout, cell, rng
