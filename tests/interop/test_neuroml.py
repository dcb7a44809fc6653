"""NeuroML 2 channels: the specification's HH example equals ranvier's HH, and export -> import is exact.

Reference: NeuroML/NeuroML2 examples/NML2_SingleCompHHCell.nml (tests/data/neuroml/PROVENANCE.md),
an independent transcription of Hodgkin & Huxley (1952, doi:10.1113/jphysiol.1952.sp004764).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("neuroml")

import ranvier as rv  # noqa: E402
from ranvier.errors import RanvierError  # noqa: E402
from ranvier.interop.neuroml import channels_from_neuroml, channels_to_neuroml  # noqa: E402

NML = Path(__file__).resolve().parents[1] / "data" / "neuroml" / "NML2_SingleCompHHCell.nml"


def _spike(channels):
    soma = rv.Section("soma", 17.841242, 17.841242, nseg=1)  # the example's 1000 um2 soma as a cylinder
    cell = rv.Cell(rv.Morphology([soma]), mechanisms=tuple(channels), temperature_degC=6.3,
                   reversal_mV={"na": 50.0, "k": -77.0})
    res = rv.simulate(cell, [rv.CurrentClamp.step(rv.Site("soma"), 0.08, 2.0, 10.0)], [rv.Probe(rv.Site("soma"), ("v",))],
                      tstop_ms=15.0, v_init_mV=-65.0)
    return res.v.values[0]


@pytest.fixture(scope="module")
def example():
    return {c.name: c for c in channels_from_neuroml(NML)}


def test_the_neuroml_hh_example_equals_ranvier_hh(example):
    na, k, leak = example["naChan"], example["kChan"], example["passiveChan"]
    assert na.gates == rv.hh_na.gates and k.gates == rv.hh_k.gates  # the same forms with the same numbers
    assert na.gbar_S_cm2 == pytest.approx(rv.hh_na.gbar_S_cm2, rel=1e-12)
    assert k.gbar_S_cm2 == pytest.approx(rv.hh_k.gbar_S_cm2, rel=1e-12)
    assert leak.ion == "nonspecific" and leak.gbar_S_cm2 == pytest.approx(rv.hh_leak.gbar_S_cm2, rel=1e-12)
    assert leak.e_rev_mV == pytest.approx(rv.hh_leak.e_rev_mV)
    assert (na.e_rev_mV, k.e_rev_mV) == (50.0, -77.0)
    # the file has no q10Settings (rates as written); at HH's 6.3 degC both give the same spike
    v_nml = _spike((na, k, leak))
    v_rv = _spike((rv.hh_na, rv.hh_k, rv.hh_leak))
    assert v_nml.max() > 20.0, f"no spike: peak {v_nml.max():.2f} mV"
    # only the unit conversions (120 mS_per_cm2, 360 S_per_m2 to S/cm2) round differently: 1e-9 mV is
    # a thousand times that rounding and a million times below the 1e-3 mV bar of the NEURON check
    err = np.max(np.abs(v_nml - v_rv))
    assert err <= 1e-9, f"NeuroML HH and ranvier HH spikes differ by {err:.3g} mV"


def test_export_then_import_gives_the_same_channels(tmp_path):
    tau_inf = rv.Channel("ka_demo", "k", 0.01, gates=(
        rv.Gate("a", 3, inf=rv.Sigmoid(1.0, -31.0, 9.0), tau=rv.Constant(1.7)),
        rv.Gate("b", 1, inf=rv.Sigmoid(1.0, -70.0, -6.0), tau=rv.Constant(20.0)),
    ), q10=2.3, reference_temp_degC=22.0, citation="a two-gate A-type K+ channel for the round trip")
    originals = (rv.hh_na, rv.hh_k, rv.hh_leak, rv.tm_na, rv.tm_kd, tau_inf)
    path = channels_to_neuroml(originals, tmp_path / "out.channel.nml")
    back = channels_from_neuroml(path)
    assert back == originals  # every number, name, ion, Q10 and citation
    v0, v1 = _spike(originals[:3]), _spike(back[:3])
    assert np.array_equal(v0, v1)


def test_forms_without_a_neuroml_type_are_refused(tmp_path):
    bad = rv.Channel("x", "k", 0.01, gates=(rv.Gate("n", 1, inf=rv.Sigmoid(1.0, -30, 5), tau=rv.Exp(1.0, 0, 20)),))
    with pytest.raises(RanvierError, match=r"time constant of form Exp has no NeuroML type"):
        channels_to_neuroml(bad, tmp_path / "x.nml")


def test_invalid_file_names_file_and_line(tmp_path):
    text = NML.read_text().replace('<gateHHrates id="h" instances="1">', '<gateHHrates id="h" instances="one">')
    p = tmp_path / "broken.nml"
    p.write_text(text)
    with pytest.raises(RanvierError, match=r"broken\.nml: not valid NeuroML 2: .*gateHHrates/line 26"):
        channels_from_neuroml(p)
    with pytest.raises(RanvierError, match=r"no NeuroML file"):
        channels_from_neuroml(tmp_path / "none.nml")


def test_the_neuroml_example_cell_imports_with_its_morphology_and_biophysics():
    """NML2_SingleCompHHCell: one spherical soma of 1000 um2 (the file's own comment), HH densities
    120/36/0.3 mS/cm2, 1 uF/cm2, rest -65 mV; it fires like ranvier's HH cell of the same area."""
    from ranvier.interop.neuroml import cell_from_neuroml

    cell, v_init = cell_from_neuroml(NML)
    assert v_init == -65.0
    soma = cell.morphology.sections[0]
    assert len(cell.morphology.sections) == 1 and "soma_group" in soma.tags
    assert soma.area_um2 == pytest.approx(1000.0, rel=1e-6), soma.area_um2
    assert soma.cm_uF_cm2 == 1.0 and soma.Ra_ohm_cm == pytest.approx(30.0)
    chans = cell.channels_on(soma.name)
    assert chans["naChan"].gbar_S_cm2 == pytest.approx(0.12) and chans["kChan"].gbar_S_cm2 == pytest.approx(0.036)
    stim = [rv.CurrentClamp.step(rv.Site(soma.name), 0.08, 2.0, 10.0)]
    res = rv.simulate(cell, stim, [rv.Probe(rv.Site(soma.name), ("v",))], tstop_ms=15.0, v_init_mV=v_init)
    v = res.v.values[0]
    assert v.max() > 20.0, f"the NeuroML HH cell does not fire at 0.08 nA: peak {v.max():.1f} mV"
