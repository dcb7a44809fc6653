"""Regenerate neuron_rallpack3_be_dt50us.json: NEURON's own backward-Euler spike times on Rallpack 3.

Run with NEURON installed (``pip install .[bench]``): ``python tests/data/rallpacks/make_neuron_be_reference.py``.
The bar of issue 2 is that ranvier's backward Euler at dt = 50 us has spike-time
errors no larger than NEURON's at the same dt; this file is NEURON's side of that
comparison, so the tests do not need NEURON installed.
"""

import json
from pathlib import Path

import numpy as np
from neuron import __version__ as nrn_version
from neuron import h

HERE = Path(__file__).parent


def crossings(t, v, thr=-20.0):
    i = np.nonzero((v[:-1] < thr) & (v[1:] >= thr))[0]
    return t[i] + (thr - v[i]) * (t[i + 1] - t[i]) / (v[i + 1] - v[i])


def main() -> None:
    h.load_file("stdrun.hoc")
    s = h.Section(name="cable")
    s.L, s.diam, s.nseg, s.Ra, s.cm = 1000, 1, 1000, 100, 1
    s.insert("hh")
    s.insert("pas")
    for seg in s:
        seg.hh.gl = 0.0
        seg.pas.g, seg.pas.e = 2.5e-5, -65.0
    s.ena, s.ek = 50.0, -77.0
    h.celsius = 6.3
    h.usetable_hh = 0
    ic = h.IClamp(s(0))
    ic.delay, ic.dur, ic.amp = 0.0, 1e9, 0.1
    v0, v1, t = h.Vector().record(s(0)._ref_v), h.Vector().record(s(1)._ref_v), h.Vector().record(h._ref_t)
    h.secondorder = 0
    h.dt = 0.05
    h.steps_per_ms = 20
    h.finitialize(-65.0)
    h.continuerun(250.0)
    tt = np.array(t)
    out = {
        "source": f"NEURON {nrn_version}, hh + pas (Rallpack 3 membrane), nseg=1000, secondorder=0 (backward Euler), "
        "dt=0.05 ms, usetable_hh=0; spikes = upward crossings of -20 mV, linearly interpolated",
        "script": "tests/data/rallpacks/make_neuron_be_reference.py",
        "spikes_x0_ms": crossings(tt, np.array(v0)).tolist(),
        "spikes_xL_ms": crossings(tt, np.array(v1)).tolist(),
    }
    (HERE / "neuron_rallpack3_be_dt50us.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
