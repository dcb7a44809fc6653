"""The benchmark problems in NEURON (written from NEURON's documented Python API).

HH is NEURON's built-in ``hh`` mechanism (Hodgkin & Huxley 1952, 6.3 degC reference,
Q10 = 3). Where the problem wants the Rallpack leak instead of HH's, ``hh.gl = 0`` and
``pas`` carries the leak. Backward Euler: ``secondorder = 0`` (NEURON's default),
fixed step, CVode off. The timed call is ``h.continuerun(tstop)`` after an untimed
``h.finitialize(v_init)``.
"""

from __future__ import annotations

import numpy as np

from bench import problems as pb


class Model:
    name = "neuron"

    def __init__(self, problem: pb.Problem, tstop_ms: float, variant: dict, threads: int):
        import neuron
        from neuron import h

        self.h = h
        self.version = neuron.__version__
        h.load_file("stdrun.hoc")
        self.tstop = tstop_ms
        self.keep: list = []  # sections, clamps and vectors must outlive this call
        self.secs: list = []
        builder = {"P1": self._p1, "P2": self._p2, "P3": self._p3, "P4": self._p4}[problem.key]
        probes = builder(problem)
        h.celsius = pb.TEMPERATURE_DEGC
        usetable = int(variant.get("usetable", 0))
        h.usetable_hh = usetable
        h.secondorder = 0
        h.dt = problem.dt_ms
        h.steps_per_ms = 1.0 / problem.dt_ms
        h.tstop = tstop_ms
        if threads > 1:
            h.ParallelContext().nthread(threads)
        self.t_vec = h.Vector().record(h._ref_t)
        self.v_vecs = [h.Vector().record(seg._ref_v) for seg in probes]
        self.notes = (f"secondorder=0 (backward Euler), cvode off, usetable_hh={usetable}, "
                      f"nthread={threads}; timed: h.continuerun after h.finitialize({pb.V_INIT_MV:g})")

    # -- builders ------------------------------------------------------------------------
    def _section(self, name: str, length_um: float, diam_um: float, nseg: int):
        s = self.h.Section(name=name)
        s.L, s.diam, s.nseg, s.Ra, s.cm = length_um, diam_um, nseg, pb.RA_OHM_CM, pb.CM_UF_CM2
        self.secs.append(s)
        return s

    @staticmethod
    def _hh(sec, rallpack_leak: bool) -> None:
        """NEURON's hh; with ``rallpack_leak`` its own leak is off and pas holds the Rallpack leak."""
        sec.insert("hh")
        if rallpack_leak:
            sec.insert("pas")
        for seg in sec:
            if rallpack_leak:
                seg.hh.gl = 0.0
                seg.pas.g = pb.RALL_G_LEAK_S_CM2
                seg.pas.e = pb.RALL_E_LEAK_MV
            else:
                seg.hh.gl = pb.HH_G_LEAK_S_CM2
                seg.hh.el = pb.HH_E_LEAK_MV
        sec.ena = pb.E_NA_MV
        sec.ek = pb.E_K_MV

    def _clamp(self, seg, amp_nA: float) -> None:
        ic = self.h.IClamp(seg)
        ic.delay, ic.dur, ic.amp = 0.0, 1e9, amp_nA
        self.keep.append(ic)

    def _p1(self, problem):
        p = problem.params
        s = self._section("cable", p["length_um"], p["diam_um"], p["nseg"])
        self._hh(s, rallpack_leak=True)
        self._clamp(s(0.0), p["stim_nA"])
        return [s(0.0), s(1.0)]

    def _p2(self, problem):
        p = problem.params
        s = self._section("soma", p["length_um"], p["diam_um"], 1)
        self._hh(s, rallpack_leak=False)
        self._clamp(s(0.5), p["stim_nA"])
        return [s(0.5)]

    def _p3(self, problem):
        p = problem.params
        probes = []
        for k, amp in enumerate(pb.p3_amplitudes_nA()):
            s = self._section(f"cable{k}", p["length_um"], p["diam_um"], p["nseg"])
            self._hh(s, rallpack_leak=True)
            self._clamp(s(0.0), amp)
            probes.append(s(1.0))
        return probes

    def _p4(self, problem):
        p = problem.params
        soma = self._section("soma", p["soma_diam_um"], p["soma_diam_um"], 1)
        self._hh(soma, rallpack_leak=False)
        by_name = {"soma": soma}
        for name, parent, _level, length, diam in pb.p4_dendrites():
            d = self._section(name, length, diam, p["dend_nseg"])
            d.insert("pas")
            for seg in d:
                seg.pas.g = pb.RALL_G_LEAK_S_CM2
                seg.pas.e = pb.RALL_E_LEAK_MV
            d.connect(by_name[parent](0.0 if parent == "soma" else 1.0), 0)
            by_name[name] = d
        axon = self._section("axon", p["axon_length_um"], p["axon_diam_um"], p["axon_nseg"])
        self._hh(axon, rallpack_leak=False)
        axon.connect(soma(1.0), 0)
        self._clamp(soma(0.5), p["stim_nA"])
        return [soma(0.5), axon(1.0)]

    # -- benchmark interface -----------------------------------------------------------------
    def prepare(self) -> None:
        self.h.finitialize(pb.V_INIT_MV)

    def run(self) -> None:
        self.h.continuerun(self.tstop)

    def traces(self) -> tuple[np.ndarray, np.ndarray]:
        t = np.array(self.t_vec)
        return t, np.stack([np.array(v) for v in self.v_vecs])

    def units(self) -> int:
        """Compartments (sum of nseg); NEURON adds a zero-area node at each root end."""
        return int(sum(s.nseg for s in self.secs))

    def diagnostics(self) -> dict:
        return {}
