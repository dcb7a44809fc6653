"""The benchmark problems in ranvier, through its public API only.

The timed call is ``Simulation.run()``: it lowers the description to arrays
(assembly), integrates and wraps the recordings in an xarray Dataset.
"""

from __future__ import annotations

import time

import numpy as np

from bench import problems as pb


def _hh_rallpack_cell(rv, length_um: float, diam_um: float, nseg: int):
    """HH Na/K with the Rallpack leak (not the HH leak), ENa 50, EK -77, 6.3 degC."""
    return rv.Cell(
        rv.cable(length_um, diam_um, nseg=nseg, Ra_ohm_cm=pb.RA_OHM_CM, cm_uF_cm2=pb.CM_UF_CM2),
        mechanisms=[rv.hh_na, rv.hh_k, rv.leak(pb.RALL_G_LEAK_S_CM2, pb.RALL_E_LEAK_MV)],
        temperature_degC=pb.TEMPERATURE_DEGC,
        reversal_mV={"na": pb.E_NA_MV, "k": pb.E_K_MV},
    )


def has_setting(name: str) -> bool:
    """Whether this ranvier's Simulation has the setting ``name`` (the API grows while the benchmark stays)."""
    import dataclasses

    import ranvier as rv

    return any(f.name == name for f in dataclasses.fields(rv.Simulation))


def default_setting(name: str):
    import dataclasses

    import ranvier as rv

    return next(f.default for f in dataclasses.fields(rv.Simulation) if f.name == name)


def simulation(problem: pb.Problem, tstop_ms: float, *, method: str = "be", dt_ms: float | None = None,
               cells: list[int] | None = None, record_dt_ms: float | None = None, **settings):
    """The ranvier Simulation of ``problem`` (``cells``: P3 only, a subset of the batch by index).

    ``settings``: further Simulation fields (e.g. ``rate_tables``); those this ranvier
    does not have are dropped.
    """
    import ranvier as rv

    dt = problem.dt_ms if dt_ms is None else dt_ms
    common = dict(tstop_ms=tstop_ms, dt_ms=dt, method=method, v_init_mV=pb.V_INIT_MV, record_dt_ms=record_dt_ms)
    common.update({k: v for k, v in settings.items() if has_setting(k)})
    p = problem.params
    if problem.key == "P1":
        cell = _hh_rallpack_cell(rv, p["length_um"], p["diam_um"], p["nseg"])
        return rv.Simulation(
            cell,
            stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0), p["stim_nA"])],
            probes=[rv.Probe(rv.Site("cable", 0.0), ("v",)), rv.Probe(rv.Site("cable", 1.0), ("v",))],
            **common,
        )
    if problem.key == "P2":
        soma = rv.Section("soma", p["length_um"], p["diam_um"], nseg=1, Ra_ohm_cm=pb.RA_OHM_CM,
                          cm_uF_cm2=pb.CM_UF_CM2, tags=("soma",))
        cell = rv.Cell(rv.Morphology([soma]), mechanisms=[rv.hh_na, rv.hh_k, rv.hh_leak],
                       temperature_degC=pb.TEMPERATURE_DEGC, reversal_mV={"na": pb.E_NA_MV, "k": pb.E_K_MV})
        return rv.Simulation(
            cell,
            stimuli=[rv.CurrentClamp.step(rv.Site("soma", 0.5), p["stim_nA"])],
            probes=[rv.Probe(rv.Site("soma", 0.5), ("v",))],
            **common,
        )
    if problem.key == "P3":
        cell = _hh_rallpack_cell(rv, p["length_um"], p["diam_um"], p["nseg"])
        amps = pb.p3_amplitudes_nA()
        which = list(range(problem.n_cells)) if cells is None else list(cells)
        return rv.Simulation(
            [cell] * len(which),
            stimuli=[rv.CurrentClamp.step(rv.Site("cable", 0.0, cell=j), amps[k]) for j, k in enumerate(which)],
            probes=[rv.Probe(rv.Site("cable", 1.0, cell=j), ("v",)) for j in range(len(which))],
            **common,
        )
    if problem.key == "P4":
        soma = rv.Section("soma", p["soma_diam_um"], p["soma_diam_um"], nseg=1, Ra_ohm_cm=pb.RA_OHM_CM,
                          cm_uF_cm2=pb.CM_UF_CM2, tags=("soma",))
        tree = rv.binary_tree(p["depth"], p["dend_length_um"], p["dend_root_diam_um"], length_factor=1.0,
                              diam_factor=p["dend_diam_factor"], parent="soma", parent_x=0.0, nseg=p["dend_nseg"],
                              Ra_ohm_cm=pb.RA_OHM_CM, cm_uF_cm2=pb.CM_UF_CM2)
        axon = rv.Section("axon", p["axon_length_um"], p["axon_diam_um"], parent="soma", parent_x=1.0,
                          nseg=p["axon_nseg"], Ra_ohm_cm=pb.RA_OHM_CM, cm_uF_cm2=pb.CM_UF_CM2, tags=("axon",))
        hh_where = ("soma", "axon")
        cell = rv.Cell(
            rv.Morphology([soma, *tree, axon]),
            mechanisms=[(rv.hh_na, hh_where), (rv.hh_k, hh_where), (rv.hh_leak, hh_where),
                        (rv.leak(pb.RALL_G_LEAK_S_CM2, pb.RALL_E_LEAK_MV), "dend")],
            temperature_degC=pb.TEMPERATURE_DEGC, reversal_mV={"na": pb.E_NA_MV, "k": pb.E_K_MV},
        )
        return rv.Simulation(
            cell,
            stimuli=[rv.CurrentClamp.step(rv.Site("soma", 0.5), p["stim_nA"])],
            probes=[rv.Probe(rv.Site("soma", 0.5), ("v",)), rv.Probe(rv.Site("axon", 1.0), ("v",))],
            **common,
        )
    raise KeyError(problem.key)


class Model:
    """Benchmark handle: ``prepare()`` (untimed), ``run()`` (timed), ``traces()``."""

    name = "ranvier"

    def __init__(self, problem: pb.Problem, tstop_ms: float, variant: dict, threads: int):
        import inspect

        import ranvier

        self.version = ranvier.__version__
        self.sim = simulation(problem, tstop_ms, **variant)
        self._result = None
        self._run_kw = {"progress": False}
        if "threads" in inspect.signature(self.sim.run).parameters:
            self._run_kw["threads"] = threads
        self.notes = (f"method='be', v_init_mV=-65, settings {variant or 'default'}; "
                      f"timed: Simulation.run({', '.join(f'{k}={v}' for k, v in self._run_kw.items())}) "
                      "(assembly + integration + Dataset)")

    def prepare(self) -> None:
        pass

    def run(self) -> None:
        self._result = self.sim.run(**self._run_kw)

    def traces(self) -> tuple[np.ndarray, np.ndarray]:
        r = self._result
        return np.asarray(r.time.values, float), np.asarray(r.v.values, float)

    def units(self) -> int:
        """Nodes in ranvier's tree: one per compartment plus zero-area nodes at section ends/joins."""
        return int(self._result.attrs["n_nodes"])

    def diagnostics(self) -> dict:
        """How the timed run splits into assembly and the rest (internal API; diagnostic only)."""
        try:
            from ranvier.assemble import assemble

            out = {k: str(self._result.attrs[k]) for k in ("rate_tables",) if k in self._result.attrs}
            recs = tuple(self.sim.recordings())
            t0 = time.perf_counter()
            assemble(self.sim.cells, self.sim.stimuli, recs)
            out["assemble_s"] = time.perf_counter() - t0
            return out
        except Exception as exc:  # the internals may change under us; the benchmark does not depend on them
            return {"assemble_error": repr(exc)}
