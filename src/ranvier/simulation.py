"""Simulation: cells + stimuli + probes + settings -> run() -> xarray Dataset."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import xarray as xr

from ranvier import __version__
from ranvier.assemble import ION_CURRENTS, assemble, check_site, model_hash
from ranvier.cell import Cell
from ranvier.errors import RanvierError, SimulationError, check_positive, check_real
from ranvier.plausibility import check_dt_for_cells
from ranvier.numerics import status as st
from ranvier.numerics.engine import integrate
from ranvier.numerics.stepper import find_rest, n_cells, relax
from ranvier.numerics.tables import build_gate_tables, no_tables
from ranvier.probe import Probe
from ranvier.result import LONG_NAMES
from ranvier.site import Site
from ranvier.mechanisms.channel import Channel
from ranvier.stimulus import CurrentClamp, VoltageClamp
from ranvier.synapse import Synapse, Terminal
from ranvier.timegrid import n_steps as _n_steps

METHODS = {"cn": "Crank-Nicolson (gates staggered by dt/2)", "be": "backward Euler"}
ENGINES = ("auto", "general")
DT_MAX_ACTIVE_MS = 0.1  # an action potential rises in ~0.5 ms: a coarser step cannot resolve it
DT_MAX_PASSIVE_MS = 1.0
MAX_RECORD_BYTES = 4 * 1024**3
REST_NEWTON_ITERATIONS = 100
REST_RELAX_DT_MS = 0.05
REST_RELAX_STEPS = 400_000  # 20 s of simulated time: enough for any cell that settles at all


@dataclass(frozen=True)
class Simulation:
    """A run: one or many cells (a batch), stimuli, probes and time settings.

    Parameters
    ----------
    cells : Cell or sequence of Cell
        The batch. Sites refer to cells by index (``Site(..., cell=k)``).
    stimuli : sequence of CurrentClamp / VoltageClamp
    probes : sequence of Probe or Site
        A bare Site records everything there.
    synapses : sequence of Synapse
        Receptors at sites, driven by spike trains or by a Terminal on another (or the
        same) cell of the batch.
    tstop_ms : float
        Duration (ms), > 0.
    dt_ms : float
        Time step (ms), > 0, at most 0.1 ms when voltage-gated channels are present
        (1 ms for passive cells).
    method : "cn" or "be"
        Crank-Nicolson (second order, default) or backward Euler (first order).
    v_init_mV : float or None
        Initial membrane potential everywhere (mV). None: each cell starts at its
        resting state, computed from its channels and concentrations.
    record_dt_ms : float or None
        Sampling interval of recordings (ms), a multiple of dt_ms; None = dt_ms.
    rate_tables : bool
        Read gate steady states and decay factors from tables refined until their
        interpolation error is below 1e-7 (fast, default), or evaluate every rate
        directly (exact).
    engine : "auto" or "general"
        "auto" (default): zero-area end nodes that merely follow their neighbour are taken
        out of the system (:mod:`ranvier.numerics.followers`), and the lane engine
        (:mod:`ranvier.numerics.lanes`) runs what fits it (in a batch, every class of at
        least 8 structurally identical cells; a single cell of 64 nodes or more, as 32
        chained segments if it is one unbranched cable; their nodes carrying the same ohmic
        voltage-gated channels or none; current clamps; rate tables on), the general engine
        the rest. "general": the general engine on the model as assembled. Both give the same
        answer to rounding (tested); "auto" is about twice as fast where lanes apply.
    """

    cells: tuple[Cell, ...]
    stimuli: tuple = ()
    probes: tuple = ()
    synapses: tuple = ()
    tstop_ms: float = 100.0
    dt_ms: float = 0.025
    method: str = "cn"
    v_init_mV: float | None = None
    record_dt_ms: float | None = None
    rate_tables: bool = True
    engine: str = "auto"

    def __post_init__(self) -> None:
        cells = (self.cells,) if isinstance(self.cells, Cell) else tuple(self.cells)
        if not cells:
            raise RanvierError("a simulation needs at least one cell")
        for c in cells:
            if not isinstance(c, Cell):
                raise RanvierError(f"cells must be Cell objects, got {type(c).__name__}")
        object.__setattr__(self, "cells", cells)
        object.__setattr__(self, "stimuli", tuple(self.stimuli))
        for s in self.stimuli:
            if not isinstance(s, (CurrentClamp, VoltageClamp)):
                raise RanvierError(f"stimuli must be CurrentClamp or VoltageClamp, got {s!r}")
            check_site(cells, s.site, "stimulus site")
        object.__setattr__(self, "synapses", tuple(self.synapses))
        for k, syn in enumerate(self.synapses):
            if not isinstance(syn, Synapse):
                raise RanvierError(f"synapses must be Synapse objects, got {syn!r}")
            check_site(cells, syn.site, f"synapse {k} site")
            if isinstance(syn.source, Terminal):
                check_site(cells, syn.source.site, f"synapse {k} terminal")
                tcell = cells[syn.source.site.cell]
                if tcell.pool_on(syn.source.site.section) is None:
                    raise RanvierError(
                        f"synapse {k}: the terminal at {syn.source.site.label} has no CalciumPool; paint one on "
                        f"section {syn.source.site.section!r} (with Ca2+ channels) so that it can release transmitter"
                    )
        probes = tuple(Probe(p) if isinstance(p, Site) else p for p in self.probes)
        from ranvier.errors import check_name

        clamped = {s.site for s in self.stimuli if isinstance(s, VoltageClamp)}
        for p in probes:
            if not isinstance(p, Probe):
                raise RanvierError(f"probes must be Probe or Site objects, got {p!r}")
            check_site(cells, p.site, "recording site")
            if p.variables != "all":  # the same names assemble() accepts, checked before anything runs
                here = cells[p.site.cell].channels_on(p.site.section).values()
                known = {"v", "clamp_i_nA"} | {f"i_{i}" for i in ION_CURRENTS}
                known |= {f"{ch.name}_{g.name}" for ch in here for g in ch.gates}
                if cells[p.site.cell].pool_on(p.site.section) is not None:
                    known.add("ca_i_mM")
                for k, syn in enumerate(self.synapses):  # receptor gates: open fraction r, Mg2+ block b
                    if (syn.site.cell, syn.site.section) == (p.site.cell, p.site.section):
                        known |= {f"{syn.receptor.name}{k}_r"} | ({f"{syn.receptor.name}{k}_b"} if syn.receptor.mg_block else set())
                for var in p.variables:
                    check_name(f"variable at recording site {p.site.label}", var, known)
                    if var == "clamp_i_nA" and p.site not in clamped:
                        raise RanvierError(
                            f"clamp_i_nA is recorded at a voltage-clamp site; there is none at {p.site.label}"
                        )
        object.__setattr__(self, "probes", probes)
        tstop = check_positive("tstop_ms", self.tstop_ms, "ms")
        dt = check_positive("dt_ms", self.dt_ms, "ms")
        active = any(isinstance(p.channel, Channel) and p.channel.gates for c in cells for p in c.mechanisms)
        dt_max = DT_MAX_ACTIVE_MS if active else DT_MAX_PASSIVE_MS
        if dt > dt_max:
            why = "voltage-gated channels need it to resolve an action potential" if active else "passive cells"
            raise RanvierError(f"dt_ms must be in (0, {dt_max:g}] ms ({why}), got {dt:g}")
        if dt > tstop:
            raise RanvierError(f"dt_ms ({dt:g} ms) must not exceed tstop_ms ({tstop:g} ms)")
        check_dt_for_cells(dt, cells)  # the internode crossing time of a myelinated axon, the fastest gate
        if self.method not in METHODS:
            check_name("method", self.method, METHODS)
        if self.engine not in ENGINES:
            check_name("engine", self.engine, ENGINES)
        if self.v_init_mV is not None:
            v0 = check_real("v_init_mV", self.v_init_mV, "mV")
            if not -200.0 <= v0 <= 200.0:
                raise RanvierError(f"v_init_mV must be in [-200, 200] mV, got {v0:g}")
        rdt = dt if self.record_dt_ms is None else check_positive("record_dt_ms", self.record_dt_ms, "ms")
        every = rdt / dt
        if abs(every - round(every)) > 1e-6 * every or round(every) < 1:
            raise RanvierError(f"record_dt_ms must be a whole multiple of dt_ms ({dt:g} ms), got {rdt:g}")
        object.__setattr__(self, "tstop_ms", tstop)
        object.__setattr__(self, "dt_ms", dt)
        object.__setattr__(self, "record_dt_ms", rdt)
        _n_steps(tstop, dt)

    # ---------------------------------------------------------------------------------------
    def recordings(self) -> list[tuple[str, Site]]:
        """The (variable, site) pairs this simulation records."""
        out: list[tuple[str, Site]] = []
        seen: set[tuple[str, Site]] = set()
        ions = {p.channel.ion for c in self.cells for p in c.mechanisms if isinstance(p.channel, Channel)}
        ions |= {ion for syn in self.synapses for ion in syn.receptor.ion_shares}
        ions_present = sorted(ions, key=ION_CURRENTS.index)
        for p in self.probes:
            if p.variables == "all":
                cell = self.cells[p.site.cell]
                names = ["v"] + [f"i_{i}" for i in ions_present]
                for ch in cell.channels_on(p.site.section).values():
                    names += [f"{ch.name}_{g.name}" for g in ch.gates]
                if cell.pool_on(p.site.section) is not None:
                    names.append("ca_i_mM")
                if any(isinstance(s, VoltageClamp) and s.site == p.site for s in self.stimuli):
                    names.append("clamp_i_nA")
            else:
                names = list(p.variables)
            for n in names:
                if (n, p.site) not in seen:
                    seen.add((n, p.site))
                    out.append((n, p.site))
        return out

    def run(self, progress: bool | None = None, threads: int | None = None) -> xr.Dataset:
        """Simulate and return the recordings as an xarray Dataset (dims ``site`` x ``time``).

        ``progress``: show a progress bar (None: only for long runs on a terminal).
        ``threads``: cells of a batch are integrated in parallel on this many threads
        (None: NUMBA_NUM_THREADS if set, else every usable core).
        """
        if threads is not None:
            from ranvier.errors import check_int
            from ranvier.numerics.pool import MAX_THREADS

            check_int("threads", threads, 1, MAX_THREADS)
        nsteps = _n_steps(self.tstop_ms, self.dt_ms)
        every = int(round(self.record_dt_ms / self.dt_ms))
        nsamp = nsteps // every + 1
        n_rec = len(self.recordings())  # from the description: refused before anything is lowered or allocated
        if nsamp * max(n_rec, 1) * 8 > MAX_RECORD_BYTES:
            raise RanvierError(
                f"recording {n_rec} variables at {nsamp} times needs more than 4 GiB; "
                "record fewer variables or raise record_dt_ms (ranvier.budget.estimate_run gives the estimate)"
            )
        rt = self._runtime()
        recs = rt.recs
        v = rt.v0.copy()
        state = rt.state0.copy()
        xstate = rt.xstate0.copy()
        out = np.full((nsamp, len(recs)), np.nan)
        cn = self.method == "cn"
        work = float(nsteps) * v.shape[0]
        show = progress if progress is not None else (work > 2e8 and sys.stderr.isatty())
        damp = np.zeros(rt.n_cells, np.int64)
        step, run_model, tabs = functools.partial(rt.step, threads=threads), rt.model, rt.tabs
        if not show:
            code, at = step(run_model, tabs, v, state, xstate, 0.0, self.dt_ms, nsteps, cn, every, out, damp)
        else:
            code, at = self._run_chunked(step, run_model, tabs, v, state, xstate, nsteps, every, cn, out, damp)
        if code != st.OK:
            raise SimulationError(st.MESSAGES[code].format(t=at * self.dt_ms, iters=0))
        ds = self._to_dataset(recs, rt.units, out, nsamp, rt.layout, rt.v_rest)
        ds.attrs["engine"] = rt.engine_note
        ds.attrs["rate_tables"] = "off (rates evaluated directly)" if not self.rate_tables else (
            f"on: grid {rt.table_dv:g} mV, largest interpolation error {rt.table_err:.2g}"
        )
        return ds

    def _runtime(self) -> "_Runtime":
        """What every run starts from, built by the first: the initial state (resting state or
        v_init_mV: the Simulation is immutable, so it is the same each run), the model the time
        loop sees and its integrator.

        The lowered model from ``prepare()`` is let go once this is built: the integrator keeps
        its own (follower-free) model, and when the lane engine covers every cell, only a slim
        one (the lane plan holds its own copy of the rest). P3 between runs: 86 -> 16 MiB of
        arrays besides the result (tracemalloc). ``prepare()`` lowers again if called later.
        """
        rt = self.__dict__.get("_runtime_cache")
        if rt is not None:
            return rt
        recs, model, layout, units, tabs, table_dv, table_err = self.prepare()
        v = np.empty(model.parent.shape[0])
        state = np.zeros(layout.n_gates)
        self._initialise(model, tabs, v, state)
        v_rest = v.copy()
        xstate0 = initial_xstate(model)
        ncell = n_cells(model)
        run_model, keep = self._run_model(model)
        v0 = v[keep] if keep is not None else v
        # from here on only the integrator's model is needed: the lowered one goes before the
        # lane planning adds its own arrays (P3: 9 MiB less at the peak), and so does the
        # layout's channel lookup, which serves assemble() only (the Dataset needs the sections
        # and the node count)
        self.__dict__.pop("_prepared", None)
        del model, v
        empty = np.zeros(0, np.int64)
        layout = dataclasses.replace(layout, chan_node=empty, chan_gstart=empty, chan_def=empty)
        _return_freed_memory()
        step, note, plan = self._stepper(run_model, tabs)
        if plan is not None and plan.rest.shape[0] == 0:
            from ranvier.numerics.lanes import slim_model

            run_model = slim_model(run_model)
            # the plan has the gate rows and its own copy of the table (as value and step per
            # interval); of tab the lane kernel reads only the grid size, shape[1]
            tabs = tabs._replace(gate_table=np.zeros(0, tabs.gate_table.dtype),
                                 tab=np.zeros((0,) + tabs.tab.shape[1:]))
        rt = _Runtime(recs, layout, units, tabs, table_dv, table_err, run_model, step, note, plan, v0, state,
                      xstate0, v_rest, ncell)
        _return_freed_memory()
        object.__setattr__(self, "_runtime_cache", rt)
        return rt

    def prepare(self):
        """Lower the description to arrays and build the rate tables, once per Simulation.

        ``run`` calls it; calling it first moves that work out of the first run (the
        Simulation is immutable, so what it built stays valid). The first run keeps what it
        needs and lets the rest go (see ``_runtime``); a later call lowers again.
        """
        cached = self.__dict__.get("_prepared")
        if cached is None:
            recs = self.recordings()
            model, layout, units = assemble(self.cells, self.stimuli, tuple(recs), self.synapses)
            if self.rate_tables:
                tabs, dv, err = build_gate_tables(model, self.dt_ms)
            else:
                tabs, dv, err = no_tables(layout.n_gates), 0.0, 0.0
            cached = (recs, model, layout, units, tabs, dv, err)
            object.__setattr__(self, "_prepared", cached)
            _return_freed_memory()
        return cached

    def _initialise(self, model, tabs, v, state) -> None:
        if self.v_init_mV is not None:
            v[:] = self.v_init_mV
            find = False
        else:
            v[:] = -65.0
            find = True
        if find:
            code, iters, change = find_rest(model, v, state, 1e-9, REST_NEWTON_ITERATIONS, tabs)
            if code != st.OK:
                # Newton cycled: follow the cell's own dynamics (no stimuli) to its stable state,
                # then polish that state with Newton.
                v[:] = -65.0
                code, iters, change = relax(model, v, state, REST_RELAX_DT_MS, REST_RELAX_STEPS, 1e-7)
                if code == st.OK:
                    code, iters, change = find_rest(model, v, state, 1e-9, REST_NEWTON_ITERATIONS, tabs)
            if code != st.OK:
                raise SimulationError(st.MESSAGES[code].format(t=change, iters=iters))
        else:
            from ranvier.numerics.rates import steady_gates
            from ranvier.numerics.tables import tabulated_steady_states

            steady_gates(v, model.gate_node, model.gate_type, model.type_kind, model.type_form, model.type_par, state)
            tabulated_steady_states(v, model.gate_node, tabs.gate_table, tabs.tab, tabs.vmin, tabs.inv_dv, state)

    def _run_model(self, model):
        """The model time stepping sees: with engine "auto", without follower nodes
        (:mod:`ranvier.numerics.followers`); ``keep`` maps its nodes to ``model``'s (None: the same)."""
        dropped = None
        if self.engine == "auto":
            from ranvier.numerics.followers import drop_followers

            dropped = drop_followers(model)
        return dropped if dropped is not None else (model, None)

    def _stepper(self, model, tabs):
        """The integrator for this model, (model, tabs, v, state, xstate, t0, dt, n, cn, every, out, damp) ->
        (status, step), a line saying which it is, and the lane schedule it runs (None: the general
        engine alone)."""
        plan = None
        if self.engine == "auto":
            from ranvier.numerics.lanes import plan_lanes

            plan = plan_lanes(model, tabs, self.method == "cn")
        if plan is not None:
            from ranvier.numerics.lanes import integrate_lanes

            def step(m, t, v, state, xstate, t0, dt, n, cn, every, out, damp, threads=None):
                return integrate_lanes(plan, m, t, v, state, xstate, t0, dt, n, cn, every, out, damp, threads)

            parts = []
            for p in plan.plans:
                w = p.model.lanes
                if p.model.chained:
                    parts.append(f"one cable cut into {w} chained segments")
                elif w == 1:
                    parts.append("one branched cell in one lane")
                else:
                    parts.append(f"{p.cells.shape[0]} identical cells in {p.n_blocks} blocks of {w}")
            if plan.rest.shape[0]:
                parts.append(f"{plan.rest.shape[0]} other cells on the general engine")
            return step, f"lanes ({'; '.join(parts)})", plan
        step = integrate
        return step, "general", None

    def _run_chunked(self, step, model, tabs, v, state, xstate, nsteps, every, cn, out, damp):
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        chunk = max(every, (nsteps // 100) // every * every)
        done = 0
        with Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                      TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task("sim", total=nsteps)
            while done < nsteps:
                k = min(chunk, nsteps - done)
                r0 = done // every
                code, at = step(model, tabs, v, state, xstate, done * self.dt_ms, self.dt_ms, k, cn, every, out[r0:], damp)
                if code != st.OK:
                    return code, done + at
                done += k
                bar.update(task, completed=done)
        return st.OK, nsteps

    def _to_dataset(self, recs, units, out, nsamp, layout, v_rest) -> xr.Dataset:
        time = np.arange(nsamp) * self.record_dt_ms
        sites: list[Site] = []
        for _, s in recs:
            if s not in sites:
                sites.append(s)
        col = {s: i for i, s in enumerate(sites)}
        data: dict[str, np.ndarray] = {}
        unit_of: dict[str, str] = {}
        cols: dict[str, list[int]] = {}
        for r, ((var, site), unit) in enumerate(zip(recs, units)):
            cols.setdefault(var, []).append(r)
            unit_of.setdefault(var, unit)
        for var, rs in cols.items():
            r0 = rs[0]
            if rs == list(range(r0, r0 + len(sites))) and all(col[recs[r][1]] == r - r0 for r in rs):
                # recorded at every site, in site order: the Dataset takes the recording as it is
                # (a transposed view, no copy; a large batch's recordings are most of its memory)
                data[var] = out[:, r0:r0 + len(sites)].T
                continue
            data[var] = np.full((len(sites), nsamp), np.nan)
            for r in rs:
                data[var][col[recs[r][1]]] = out[:, r]
        created = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        # Later runs reuse the first run's Dataset structure (coordinates, indexes, attributes)
        # with their own data: all of it depends on the Simulation alone (v_rest too: the run is
        # deterministic). Building a Dataset is xarray's merge and alignment, about 170 us; a
        # copy with new data about 40 us (P2's run is 2 ms). The template holds no data.
        template = self.__dict__.get("_dataset_template")
        if template is not None:
            ds = template.copy(deep=False, data=data)
            ds.attrs["created"] = created
            return ds
        v_rest_sites = np.array([v_rest[layout.voltage_node(s)] for s in sites])
        coords = xr.Coordinates(self._coords(sites, time, v_rest_sites))
        cells = self.cells
        variables = {}
        for var, arr in data.items():
            attrs = {"units": unit_of[var], "long_name": LONG_NAMES.get(var, f"gate state {var}")}
            variables[var] = (("site", "time"), arr, attrs)
        temps = sorted({c.temperature_degC for c in cells})
        attrs = {
            "ranvier_version": __version__,
            "dt_ms": self.dt_ms,
            "tstop_ms": self.tstop_ms,
            "record_dt_ms": self.record_dt_ms,
            "method": self.method,
            "method_description": METHODS[self.method],
            "temperature_degC": temps[0] if len(temps) == 1 else np.array(temps),
            "v_init": "resting state" if self.v_init_mV is None else f"{self.v_init_mV} mV",
            "n_cells": len(cells),
            "n_nodes": int(layout.cell_of_node.shape[0]),
            "model_hash": self._model_hash(),
            "created": created,
        }
        ds = xr.Dataset(variables, coords=coords, attrs=attrs)
        nodata = {var: np.broadcast_to(np.float64(np.nan), arr.shape) for var, arr in data.items()}
        object.__setattr__(self, "_dataset_template", ds.copy(deep=False, data=nodata))
        return ds

    def _model_hash(self) -> str:
        h = self.__dict__.get("_hash")
        if h is None:
            h = model_hash(self.cells, self.stimuli, self.synapses)
            object.__setattr__(self, "_hash", h)
        return h

    def _coords(self, sites, time, v_rest_sites) -> dict:
        cells = self.cells
        return {
            "time": ("time", time, {"units": "ms", "long_name": "time"}),
            "site": ("site", [s.label for s in sites]),
            "cell": ("site", np.array([s.cell for s in sites], np.int64)),
            "section": ("site", [s.section for s in sites]),
            "x": ("site", np.array([s.x for s in sites]), {"long_name": "fraction along the section"}),
            "distance_um": (
                "site",
                np.array([cells[s.cell].morphology.path_length_um(s.section, s.x) for s in sites]),
                {"units": "um", "long_name": "path distance from the root section's 0 end"},
            ),
            "temperature_degC": ("site", np.array([cells[s.cell].temperature_degC for s in sites]), {"units": "degC"}),
            "v_rest_mV": (
                "site", v_rest_sites,
                {"units": "mV", "long_name": "membrane potential at t = 0 (resting state unless v_init_mV was given)"},
            ),
        }


def _return_freed_memory() -> None:
    """Hand the heap pages freed by lowering and planning back to the OS (glibc's malloc_trim).

    Without it they stay resident, as the C allocator keeps freed heap memory for reuse, and
    the recordings allocated next (large: mapped fresh) come on top (P3: 103 MiB resident for
    70 MiB of arrays at most). Elsewhere (no glibc) this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc (musl has no malloc_trim)
        pass


class _Runtime(NamedTuple):
    recs: list
    layout: object
    units: list
    tabs: object
    table_dv: float
    table_err: float
    model: object  # the model the integrator takes (followers dropped; slim under a full lane plan)
    step: object
    engine_note: str
    plan: object  # the lane schedule (None: the general engine alone)
    v0: np.ndarray  # initial voltages of ``model``'s nodes
    state0: np.ndarray
    xstate0: np.ndarray
    v_rest: np.ndarray  # initial voltages of the lowered model's nodes (recording sites read it)
    n_cells: int


def initial_xstate(model) -> np.ndarray:
    """Pools at their resting [Ca2+]; every cleft with a full vesicle pool and no transmitter."""
    n_cleft = model.cleft_par.shape[0]
    return np.concatenate([model.pool_rest_mM, np.ones(n_cleft), np.zeros(n_cleft)]).astype(np.float64)


def simulate(cells: Cell | Sequence[Cell], stimuli: Iterable = (), probes: Iterable = (), **settings) -> xr.Dataset:
    """Shorthand for ``Simulation(cells, stimuli, probes, **settings).run()``."""
    return Simulation(cells, tuple(stimuli), tuple(probes), **settings).run()
