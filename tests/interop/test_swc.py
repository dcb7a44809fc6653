"""SWC import against NeuroM (an independent reader), conservation through discretisation, and broken files.

Reference: NeuroM (Blue Brain Project; Palacios et al., doi:10.5281/zenodo.3240024) computes
the total neurite length, the total neurite area (truncated cones) and the number of
sections of the same files at test time. Tolerance 1e-6 relative: NeuroM and MorphIO hold
points in float32 (7 significant digits); ranvier reads them in float64.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest

pytest.importorskip("morphio")
neurom = pytest.importorskip("neurom")

from ranvier.errors import RanvierError  # noqa: E402
from ranvier.morphology import Discretization, lambda_ac_um  # noqa: E402
from ranvier.morphology.swc import SwcWarning, read_swc  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "swc"
FILES = {
    "pyramidal (CA1, n120)": DATA / "ca1_pyramidal_n120.CNG.swc",
    "pyramidal with axon (L5)": DATA / "l5_pyramidal_with_axon.swc",
    "motor neuron (v_e_moto1)": DATA / "motoneuron_v_e_moto1.CNG.swc",
    "Purkinje (v_e_purk2)": DATA / "purkinje_v_e_purk2.CNG.swc",
    "17-point soma (De Schutter archive)": DATA / "deschutter_10-2012-02-09-001.CNG.swc",
}
RTOL = 1e-6


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SwcWarning)
        return read_swc(path)


@pytest.fixture(scope="module")
def neurons():
    return {k: _read(p) for k, p in FILES.items()}


@pytest.mark.parametrize("kind", list(FILES))
def test_length_area_and_sections_agree_with_neurom(kind, neurons):
    n = neurons[kind]
    ref = neurom.load_morphology(FILES[kind])
    L = neurom.features.get("total_length", ref)
    A = float(sum(neurom.features.get("total_area_per_neurite", ref)))
    N = neurom.features.get("number_of_sections", ref)
    assert math.isclose(n.total_length_um, L, rel_tol=RTOL), (
        f"{kind}: total neurite length {n.total_length_um:.3f} um, NeuroM {L:.3f} um")
    assert math.isclose(n.neurite_area_um2, A, rel_tol=RTOL), (
        f"{kind}: total neurite area {n.neurite_area_um2:.3f} um2, NeuroM {A:.3f} um2")
    assert len(n.sections) == N, f"{kind}: {len(n.sections)} sections, NeuroM {N}"
    soma = neurom.features.get("soma_surface_area", ref)
    if soma > 0:  # the Purkinje file's soma has radius 0 ("Soma size set to zero"); ranvier fixes it
        assert math.isclose(n.soma_area_um2, soma, rel_tol=RTOL), (
            f"{kind}: soma area {n.soma_area_um2:.3f} um2, NeuroM {soma:.3f} um2")


def test_soma_forms_follow_the_standards(neurons):
    """The three-point soma of NeuroMorpho is a cylinder of length = diameter = 2r: area 4 pi r^2
    (Ascoli et al. 2007, doi:10.1523/JNEUROSCI.2055-07.2007); the cylinder ranvier builds has that area."""
    n = neurons["motor neuron (v_e_moto1)"]
    assert n.soma_type == "SOMA_NEUROMORPHO_THREE_POINT_CYLINDERS"
    r = None
    for line in FILES["motor neuron (v_e_moto1)"].read_text().splitlines():
        cols = line.split("#")[0].split()
        if len(cols) == 7 and cols[1] == "1":
            r = float(cols[5])
            break
    assert math.isclose(n.soma_area_um2, 4 * math.pi * r * r, rel_tol=1e-6), (
        f"three-point soma area {n.soma_area_um2:.2f} um2, 4 pi r^2 = {4 * math.pi * r * r:.2f} um2 (r = {r} um)")
    m = n.to_morphology()
    soma = m.section("soma")
    assert math.isclose(soma.area_um2, n.soma_area_um2, rel_tol=1e-12)
    assert soma.length_um == soma.diam_um


@pytest.mark.parametrize("rule", [Discretization(d_lambda=0.1), Discretization(d_lambda=None, max_length_um=20.0),
                                  None], ids=["d_lambda", "max_length", "one_per_section"])
def test_cutting_into_pieces_conserves_length_and_area(rule, neurons):
    n = neurons["pyramidal with axon (L5)"]
    m = n.to_morphology(rule)
    neurite = [s for s in m.sections if s.name != "soma"]
    total_L = sum(s.length_um for s in neurite)
    total_A = sum(s.area_um2 for s in neurite)
    assert math.isclose(total_L, n.total_length_um, rel_tol=1e-9), (total_L, n.total_length_um)
    assert math.isclose(total_A, n.neurite_area_um2, rel_tol=1e-9), (total_A, n.neurite_area_um2)
    groups = {t for s in neurite for t in s.tags}
    assert {"axon", "dend", "apic", "basal", "apical", "neurite"} <= groups
    if rule is not None and rule.max_length_um is not None:
        assert max(s.length_um for s in neurite) <= 20.0 + 1e-9
        expect = sum(math.ceil(s.length_um / 20.0 - 1e-9) for s in n.sections)
        assert len(neurite) == expect
    if rule is not None and rule.d_lambda is not None:
        # every SWC section is cut into nseg = 2 int((L / (d_lambda lambda_100Hz) + 0.9) / 2) + 1 pieces,
        # the d_lambda rule as NEURON's fixnseg.hoc writes it (Hines & Carnevale 2001, Neuroscientist 7:123)
        for s in n.sections[:50]:
            pieces = [p for p in neurite if p.name == s.name or s.name in p.tags]
            d_eq = s.area_um2 / (math.pi * s.length_um)
            lam = lambda_ac_um(pieces[0].__class__("x", s.length_um, d_eq), 100.0)
            assert len(pieces) == int((s.length_um / (0.1 * lam) + 0.9) / 2) * 2 + 1, s.name


def test_site_maps_a_section_fraction_to_its_piece(neurons):
    n = neurons["pyramidal with axon (L5)"]
    rule = Discretization(d_lambda=None, max_length_um=10.0)
    m = n.to_morphology(rule)
    longest = max(n.sections, key=lambda s: s.length_um)
    site = n.site(longest.name, 0.37, discretization=rule)
    # the path distance from the section's start to the site is 0.37 of its length
    start = m.path_length_um(m.select(longest.name)[0], 0.0)
    assert math.isclose(m.path_length_um(site.section, site.x) - start, 0.37 * longest.length_um, rel_tol=1e-9)


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_truncated_file_names_file_and_line(tmp_path):
    lines = FILES["pyramidal (CA1, n120)"].read_text().splitlines()
    body = [i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    cut = body[200]
    truncated = "\n".join(lines[:cut]) + "\n" + " ".join(lines[cut].split()[:4]) + "\n"
    p = _write(tmp_path, "truncated.swc", truncated)
    with pytest.raises(RanvierError, match=rf"truncated\.swc, line {cut + 1}: .*7 columns.*found 4.*truncated"):
        read_swc(p)


def test_cycle_is_named(tmp_path):
    text = "1 1 0 0 0 5 -1\n2 3 10 0 0 1 4\n3 3 20 0 0 1 2\n4 3 30 0 0 1 3\n"
    p = _write(tmp_path, "cycle.swc", text)
    with pytest.raises(RanvierError, match=r"cycle.swc: the parents of points .*form a cycle"):
        read_swc(p)


@pytest.mark.parametrize("text,problem", [
    ("1 1 0 0 0 5 -1\n2 3 10 0 0 1 7\n", r"line 2: point 2 names parent 7, which is not in the file"),
    ("1 1 0 0 0 5 -1\n1 3 10 0 0 1 1\n", r"line 2: point id 1 is used twice \(first on line 1\)"),
    ("1 1 0 0 0 5 -1\n2 3 ten 0 0 1 1\n", r"line 2: id, type and parent must be whole numbers"),
    ("1 1 0 0 0 5 -1\n2 3 10 0 0 -1 1\n", r"line 2: point 2 has radius -1 um"),
    ("# only a comment\n", r"no SWC points"),
    ("1 3 0 0 0 1 -1\n2 3 10 0 0 1 1\n3 3 0 5 0 1 -1\n", r"2 points start a tree .* no soma"),
])
def test_broken_files_give_clear_errors(tmp_path, text, problem):
    p = _write(tmp_path, "broken.swc", text)
    with pytest.raises(RanvierError, match=problem):
        read_swc(p)


def test_fixable_defects_are_counted_in_one_warning(tmp_path):
    text = ("1 1 0 0 0 5 -1\n2 3 5 0 0 0 1\n3 3 10 0 0 1 2\n4 3 10 0 0 1 3\n5 3 20 0 0 0 4\n"
            "6 3 0 5 0 1 -1\n7 3 0 15 0 1 6\n")
    p = _write(tmp_path, "defects.swc", text)
    with pytest.warns(SwcWarning) as rec:
        n = read_swc(p)
    msg = str(rec[0].message)
    assert "2 point(s) with zero radius" in msg and "line 2, 5" in msg, msg
    assert "1 zero-length segment(s)" in msg and "line 4" in msg, msg
    assert "1 neurite(s) starting without a parent" in msg and "line 6" in msg, msg
    m = n.to_morphology(Discretization(d_lambda=None, max_length_um=5.0))
    assert all(s.diam_um > 0 for s in m.sections)
    assert {s.parent for s in m.sections if s.name.startswith("dend[1]")} >= {"soma"}


def test_a_neurite_starting_inside_the_soma_is_reported(tmp_path):
    p = _write(tmp_path, "inside.swc", "1 1 0 0 0 5 -1\n2 3 2 0 0 1 1\n3 3 20 0 0 1 2\n4 3 -6 0 0 1 1\n5 3 -20 0 0 1 4\n")
    with pytest.warns(SwcWarning, match=r"1 neurite\(s\) starting inside the soma"):
        n = read_swc(p)
    assert len(n.sections) == 2
