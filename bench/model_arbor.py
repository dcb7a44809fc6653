"""The benchmark problems in Arbor (written from Arbor 0.12's documented Python API).

HH is Arbor's default-catalogue ``hh`` (the same rate functions and Q10 = 3 at 6.3 degC
as NEURON's hh.mod); the Rallpack leak is ``pas`` (its reversal ``e`` is a global,
hence ``pas/e=-65``). Arbor integrates the cable with its own implicit (backward)
Euler and the gates with exact exponentials at fixed voltage (cnexp).

Discretisation: Arbor uses finite volumes (CVs) whose boundaries are given by a CV
policy; ``fixed-per-branch n`` cuts each branch into n equal CVs and puts a boundary at
every fork, which adds one zero-volume CV per fork (as NEURON adds zero-area nodes
where sections join). The membrane of each compartment is the same as NEURON's, but
the points where V lives and the axial conductances between them differ by up to
half a compartment, so results agree to O(dx^2), not to rounding.

The timed call is ``simulation.run(tstop, dt)`` after an untimed ``simulation.reset()``.
"""

from __future__ import annotations

import numpy as np

from bench import problems as pb


class Model:
    name = "arbor"

    def __init__(self, problem: pb.Problem, tstop_ms: float, variant: dict, threads: int):
        import arbor as A
        from arbor import units as U

        self.A, self.U = A, U
        self.version = A.__version__
        self.tstop = tstop_ms
        self.dt = problem.dt_ms
        builder = {"P1": self._p1, "P2": self._p2, "P3": self._p3, "P4": self._p4}[problem.key]
        cells, probes = builder(problem)  # cells: list of cable_cell; probes: per cell, list of locset strings
        self.n_cv = sum(A.cv_data(c).num_cv for c in cells)
        recipe = _make_recipe(A, cells, probes)
        ctx = A.context(threads=threads)
        self.sim = A.simulation(recipe, ctx, A.partition_load_balance(recipe, ctx))
        sched = A.regular_schedule(self.dt * U.ms)
        self.handles = [self.sim.sample((gid, f"p{j}"), sched) for gid, locs in enumerate(probes)
                        for j in range(len(locs))]
        self.notes = (f"context(threads={threads}), default cable solver (implicit Euler), "
                      "timed: simulation.run after simulation.reset()")

    # -- builders ------------------------------------------------------------------------
    def _decor(self, *, hh_region: str | None, hh_rallpack_leak: bool, pas_region: str | None):
        A, U = self.A, self.U
        decor = A.decor()
        decor.set_property(Vm=pb.V_INIT_MV * U.mV, cm=pb.CM_UF_CM2 * 0.01 * U.F / U.m2,
                           rL=pb.RA_OHM_CM * U.Ohm * U.cm, tempK=(pb.TEMPERATURE_DEGC + 273.15) * U.Kelvin)
        decor.set_ion("na", rev_pot=pb.E_NA_MV * U.mV)
        decor.set_ion("k", rev_pot=pb.E_K_MV * U.mV)
        if hh_region is not None:
            if hh_rallpack_leak:
                hh = A.density("hh", gnabar=pb.G_NA_S_CM2, gkbar=pb.G_K_S_CM2, gl=0.0)
            else:
                hh = A.density("hh", gnabar=pb.G_NA_S_CM2, gkbar=pb.G_K_S_CM2, gl=pb.HH_G_LEAK_S_CM2,
                               el=pb.HH_E_LEAK_MV)
            decor.paint(hh_region, hh)
        if pas_region is not None:
            decor.paint(pas_region, A.density(f"pas/e={pb.RALL_E_LEAK_MV:g}", g=pb.RALL_G_LEAK_S_CM2))
        return decor

    def _cable_tree(self, length_um: float, diam_um: float):
        A = self.A
        tree = A.segment_tree()
        tree.append(A.mnpos, A.mpoint(0, 0, 0, diam_um / 2), A.mpoint(length_um, 0, 0, diam_um / 2), tag=2)
        return tree

    def _p1(self, problem):
        A, U = self.A, self.U
        p = problem.params
        decor = self._decor(hh_region="(all)", hh_rallpack_leak=True, pas_region="(all)")
        decor.place("(location 0 0)", A.i_clamp(p["stim_nA"] * U.nA))
        cell = A.cable_cell(self._cable_tree(p["length_um"], p["diam_um"]), decor, A.label_dict(),
                            A.cv_policy_fixed_per_branch(p["nseg"]))
        return [cell], [["(location 0 0)", "(location 0 1)"]]

    def _p2(self, problem):
        A, U = self.A, self.U
        p = problem.params
        decor = self._decor(hh_region="(all)", hh_rallpack_leak=False, pas_region=None)
        decor.place("(location 0 0.5)", A.i_clamp(p["stim_nA"] * U.nA))
        cell = A.cable_cell(self._cable_tree(p["length_um"], p["diam_um"]), decor, A.label_dict(),
                            A.cv_policy_fixed_per_branch(1))
        return [cell], [["(location 0 0.5)"]]

    def _p3(self, problem):
        A, U = self.A, self.U
        p = problem.params
        tree = self._cable_tree(p["length_um"], p["diam_um"])
        cells = []
        for amp in pb.p3_amplitudes_nA():
            decor = self._decor(hh_region="(all)", hh_rallpack_leak=True, pas_region="(all)")
            decor.place("(location 0 0)", A.i_clamp(amp * U.nA))
            cells.append(A.cable_cell(tree, decor, A.label_dict(), A.cv_policy_fixed_per_branch(p["nseg"])))
        return cells, [["(location 0 1)"]] * len(cells)

    def _p4(self, problem):
        A, U = self.A, self.U
        p = problem.params
        tree = A.segment_tree()
        r_soma = p["soma_diam_um"] / 2
        soma = tree.append(A.mnpos, A.mpoint(0, 0, 0, r_soma), A.mpoint(p["soma_diam_um"], 0, 0, r_soma), tag=1)
        end_x = {}
        seg_of = {}
        for name, parent, _level, length, diam in pb.p4_dendrites():
            x0 = 0.0 if parent == "soma" else end_x[parent]
            par = A.mnpos if parent == "soma" else seg_of[parent]  # the tree's root hangs on the soma's 0 end
            seg_of[name] = tree.append(par, A.mpoint(x0, 0, 0, diam / 2), A.mpoint(x0 - length, 0, 0, diam / 2), tag=3)
            end_x[name] = x0 - length
        L_ax = p["axon_length_um"]
        tree.append(soma, A.mpoint(p["soma_diam_um"], 0, 0, p["axon_diam_um"] / 2),
                    A.mpoint(p["soma_diam_um"] + L_ax, 0, 0, p["axon_diam_um"] / 2), tag=2)
        labels = A.label_dict({
            "soma": "(tag 1)", "axon": "(tag 2)", "dend": "(tag 3)",
            "stim": '(on-components 0.5 (region "soma"))', "axon_end": '(distal (region "axon"))',
        })
        decor = self._decor(hh_region='(join (region "soma") (region "axon"))', hh_rallpack_leak=False,
                            pas_region='(region "dend")')
        decor.place('"stim"', A.i_clamp(p["stim_nA"] * U.nA))
        # Soma and axon form one unbranched Arbor branch, so fixed-per-branch cannot give them
        # 1 and 1000 CVs: their boundaries are listed explicitly (soma ends, then every 1 um).
        probe_cell = A.cable_cell(tree, decor, labels)
        branch = probe_cell.locations('"stim"')[0].branch
        total = p["soma_diam_um"] + L_ax
        cuts = [0.0, p["soma_diam_um"]] + [p["soma_diam_um"] + L_ax * k / p["axon_nseg"]
                                           for k in range(1, p["axon_nseg"] + 1)]
        locset = "(sum " + " ".join(f"(location {branch} {min(c / total, 1.0)!r})" for c in cuts) + ")"
        policy = (A.cv_policy_fixed_per_branch(p["dend_nseg"], '(region "dend")')
                  | A.cv_policy_explicit(locset, '(join (region "soma") (region "axon"))'))
        cell = A.cable_cell(tree, decor, labels, policy)
        return [cell], [['"stim"', '"axon_end"']]

    # -- benchmark interface -----------------------------------------------------------------
    def prepare(self) -> None:
        self.sim.reset()

    def run(self) -> None:
        self.sim.run(self.tstop * self.U.ms, self.dt * self.U.ms)

    def traces(self) -> tuple[np.ndarray, np.ndarray]:
        t = None
        vs = []
        for h in self.handles:
            data, _meta = self.sim.samples(h)[0]
            if t is None:
                t = np.asarray(data[:, 0], float)
            vs.append(np.asarray(data[:, 1], float))
        return t, np.stack(vs)

    def units(self) -> int:
        """CVs as Arbor counts them (including one zero-volume CV per fork)."""
        return int(self.n_cv)

    def diagnostics(self) -> dict:
        return {}


def _make_recipe(A, cells, probes):
    class Recipe(A.recipe):
        def __init__(self):
            A.recipe.__init__(self)
            self.props = A.neuron_cable_properties()

        def num_cells(self):
            return len(cells)

        def cell_kind(self, gid):
            return A.cell_kind.cable

        def cell_description(self, gid):
            return cells[gid]

        def probes(self, gid):
            return [A.cable_probe_membrane_voltage(loc, f"p{j}") for j, loc in enumerate(probes[gid])]

        def global_properties(self, kind):
            return self.props

    return Recipe()
