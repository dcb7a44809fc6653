"""Reference traces from NEURON for every shipped .mod file that ranvier imports.

Run from the repository root (needs the ``bench`` extra: ``neuron``; about 1 min)::

    .venv/bin/python -m bench.nmodl_neuron            # writes tests/data/nmodl_neuron/<file>.nc

For each file the same .mod is compiled with ``nrnivmodl`` (NEURON's built-in ``hh`` is
compiled from ``hh.mod``, so hh uses it) and two protocols run in one compartment
(L = diam = 20 um, cm = 1 uF/cm2, nseg 1), fixed step, CVode off, TABLEs off:

* a voltage-clamp family: hold -80 mV, step for 10 ms to -60 ... +40 mV by 20 mV, back to
  -80 mV (SEClamp, rs 1e-3 MOhm); the mechanism's current density is recorded (mA/cm2);
* a spike: the file's channels at ``DENSITY_S_CM2`` on top of NEURON's hh (for hh.mod,
  hh alone), a 0.5 ms, 0.3 nA pulse at 1 ms; v is recorded (mV).

Reversal potentials are set (ena 50, ek -77, eca 120, mV) and the temperature is 6.3 degC.
Files written in Arbor's NMODL dialect (tests/data/mod/arbor) lack declarations NEURON
needs (v, the ion variables) and use Arbor's built-in ``exprelr(x) = x / (exp(x) - 1)``; the
copy compiled here gets those declarations and that FUNCTION added (:func:`neuronise`), the
rates themselves untouched.

Outputs are xarray Datasets (NetCDF) with the protocol in their attributes; the
suite's tests/interop/test_nmodl_neuron.py runs ranvier on the same protocols.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MOD = ROOT / "tests" / "data" / "mod"
OUT = ROOT / "tests" / "data" / "nmodl_neuron"

L_UM = DIAM_UM = 20.0
CM = 1.0
TEMP_DEGC = 6.3
EREV_MV = {"na": 50.0, "k": -77.0, "ca": 120.0}
DT_MS = 0.025
HOLD_MV = -80.0
STEPS_MV = (-60.0, -40.0, -20.0, 0.0, 20.0, 40.0)
VC_T_MS = (5.0, 10.0, 10.0)  # hold, step, hold
SPIKE_T_MS = 20.0
PULSE = (1.0, 0.5, 0.3)  # delay ms, duration ms, nA
# densities (S/cm2) for the spike protocol, where the file's own default is tiny
DENSITY_S_CM2 = {"Im": 0.002, "SKv3_1": 0.02, "Ih": 0.0005, "NaTa_t": 0.02, "Ca_HVA": 0.0005}
# the shipped files that ranvier imports (the others need issue 12; see tests/data/mod/PROVENANCE.md)
FILES = ("hh.mod", "arbor/bbp_Im.mod", "arbor/bbp_SKv3_1.mod", "arbor/bbp_Ih.mod", "arbor/bbp_NaTa_t.mod",
         "arbor/bbp_Ca_HVA.mod")

EXPRELR = """
FUNCTION exprelr(x) {
    if (fabs(x) < 1e-6) {
        exprelr = 1 - x/2
    } else {
        exprelr = x/(exp(x) - 1)
    }
}
"""


def neuronise(text: str) -> str:
    """Add what an Arbor-dialect .mod file leaves implicit so that nocmodl compiles it."""
    names = ["v"]
    for ion, rest in re.findall(r"USEION\s+(\w+)([^\n]*)", text):
        names += re.findall(r"\b(e" + ion + r"|i" + ion + r")\b", rest)
    for rest in re.findall(r"NONSPECIFIC_CURRENT\s+([^\n]*)", text):
        names += re.findall(r"\w+", rest)
    assigned = " ".join(re.findall(r"ASSIGNED\s*\{([^}]*)\}", text))
    missing = [n for n in dict.fromkeys(names) if not re.search(r"\b" + n + r"\b", assigned)]
    if missing:
        text += "\nASSIGNED {\n" + "\n".join(f"    {n}" for n in missing) + "\n}\n"
    if "exprelr" in text and "FUNCTION exprelr" not in text:
        text += EXPRELR
    return text


def suffix_of(text: str) -> str:
    return re.search(r"SUFFIX\s+(\w+)", text).group(1)


def currents_of(text: str) -> list[tuple[str, str]]:
    out = []
    for ion, rest in re.findall(r"USEION\s+(\w+)([^\n]*)", text):
        if re.search(r"WRITE[^\n]*\bi" + ion + r"\b", rest):
            out.append((ion, f"i{ion}"))
    for rest in re.findall(r"NONSPECIFIC_CURRENT\s+([^\n]*)", text):
        out += [("nonspecific", n) for n in re.findall(r"\w+", rest)]
    return out


def gbar_name(text: str) -> str:
    """The PARAMETER that holds the maximal conductance (the first one in S/cm2)."""
    block = re.search(r"PARAMETER\s*\{([^}]*)\}", text).group(1)
    m = re.search(r"(\w+)\s*=\s*[-0-9.eE+]+\s*\(S/cm2\)", block)
    return m.group(1)


def compile_mods(files: list[Path], work: Path) -> None:
    for f in files:
        (work / f.name).write_text(neuronise(f.read_text()))
    subprocess.run([str(Path(sys.executable).with_name("nrnivmodl")), "."], cwd=work, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def run_file(h, rel: str):
    import neuron
    import xarray as xr

    text = (MOD / rel).read_text()
    suffix = suffix_of(text)
    currents = currents_of(text)
    gname = gbar_name(text)
    h.celsius = TEMP_DEGC
    h.dt = DT_MS
    h.steps_per_ms = 1.0 / DT_MS
    h.secondorder = 0
    h.usetable_hh = 0

    def cell(with_hh: bool):
        s = h.Section(name="soma")
        s.L, s.diam, s.cm, s.nseg = L_UM, DIAM_UM, CM, 1
        if with_hh:
            s.insert("hh")
        if suffix != "hh":
            s.insert(suffix)
        for ion, e in EREV_MV.items():
            if hasattr(s(0.5), f"e{ion}"):
                setattr(s(0.5), f"e{ion}", e)
        return s

    # voltage-clamp family: the mechanism alone
    vc = {nm: [] for _, nm in currents}
    t_vc = None
    for step in STEPS_MV:
        s = cell(with_hh=(suffix == "hh"))
        clamp = h.SEClamp(s(0.5))
        clamp.rs = 1e-3
        clamp.dur1, clamp.dur2, clamp.dur3 = VC_T_MS
        clamp.amp1, clamp.amp2, clamp.amp3 = HOLD_MV, step, HOLD_MV
        recs = {nm: h.Vector().record(getattr(s(0.5), f"_ref_{nm}_{suffix}" if ion == "nonspecific" else f"_ref_{nm}"))
                for ion, nm in currents}
        tv = h.Vector().record(h._ref_t)
        h.finitialize(HOLD_MV)
        h.continuerun(sum(VC_T_MS))
        for nm in vc:
            vc[nm].append(np.array(recs[nm]))
        t_vc = np.array(tv)
        del clamp, s
    # a spike with hh (+ the mechanism at a working density)
    s = cell(with_hh=True)
    density = DENSITY_S_CM2.get(suffix)
    if density is not None:
        setattr(s(0.5), f"{gname}_{suffix}", density)
    stim = h.IClamp(s(0.5))
    stim.delay, stim.dur, stim.amp = PULSE
    vv = h.Vector().record(s(0.5)._ref_v)
    tv = h.Vector().record(h._ref_t)
    h.finitialize(-65.0)
    h.continuerun(SPIKE_T_MS)
    data = {
        "v_spike": (("time_spike",), np.array(vv), {"units": "mV"}),
    }
    for nm, traces in vc.items():
        data[f"{nm}_vc"] = (("step", "time_vc"), np.array(traces), {"units": "mA/cm2", "long_name": f"{nm} (outward +)"})
    ds = xr.Dataset(
        data,
        coords={"time_spike": np.array(tv), "time_vc": t_vc, "step": ("step", np.array(STEPS_MV), {"units": "mV"})},
        attrs={
            "mod_file": rel, "suffix": suffix, "gbar_parameter": gname,
            "spike_density_S_cm2": density if density is not None else "file default",
            "neuron_version": neuron.__version__, "made_by": "bench/nmodl_neuron.py",
            "L_um": L_UM, "diam_um": DIAM_UM, "cm_uF_cm2": CM, "celsius_degC": TEMP_DEGC, "dt_ms": DT_MS,
            "method": "secondorder=0 (backward Euler), cvode off, usetable_hh=0",
            "erev_mV": str(EREV_MV), "hold_mV": HOLD_MV, "vc_durations_ms": str(VC_T_MS),
            "pulse_delay_duration_nA": str(PULSE), "v_init_spike_mV": -65.0,
        },
    )
    return ds


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ranvier-nrn-"))
    try:
        compile_mods([MOD / f for f in FILES if f != "hh.mod"], work)
        import os

        os.chdir(work)
        import neuron  # noqa: F401  (importing it loads the compiled mechanisms of the working folder)
        from neuron import h

        h.load_file("stdrun.hoc")
        for rel in FILES:
            ds = run_file(h, rel)
            path = OUT / (Path(rel).stem + ".nc")
            ds.to_netcdf(path, engine="h5netcdf")
            print(f"{rel}: wrote {path.relative_to(ROOT)} (spike peak {float(ds.v_spike.max()):.2f} mV)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
