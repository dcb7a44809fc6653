"""Myelin as an object: the sheath's lumped membrane, the axon builders, their resting state and bad input.

Reference values and where they come from:

* Lamella lumping: 2N myelin membranes in series, membrane j at diameter
  d_j = d + (j - 1/2) p (p/2 apart, p the lamella period), each of specific
  capacitance c_l; summing 1/(pi d_j c_l) directly must give the closed form
  C' = pi c_l p / ln(D/d) used by ``Myelin`` (the midpoint sum and the integral
  differ by O((p/d)^2)), and for a thin sheath c_l / (2N) per axon area, the
  lumping of McIntyre, Richardson & Grill (2002) J Neurophysiol 87:995,
  doi:10.1152/jn.00353.2001.
* Resting potential: the MRG node with its paranodes rests near -80 mV
  (McIntyre et al. 2002: -80 mV with ENa = 50, EK = -90 mV; with the Nernst
  potentials of ranvier's default concentrations the model settles at -79.2 mV).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ranvier as rv
from ranvier.analysis import spike_times
from ranvier.myelin import (
    DEFAULT_G_RATIO,
    Myelin,
    MyelinatedAxon,
    Paranode,
    demyelinate,
    myelinated_axon,
    unmyelinated_axon,
)

# ------------------------------------------------------------------------------ the sheath


def test_lamella_count_follows_thickness_and_period():
    m = Myelin(g_ratio=0.7, periodicity_um=0.016)
    assert m.axon_diam_um(10.0) == pytest.approx(7.0)
    assert m.thickness_um(10.0) == pytest.approx(1.5)
    assert m.n_lamellae(10.0) == pytest.approx(1.5 / 0.016)
    assert m.outer_diam_um(10.0) == pytest.approx(10.0)
    half = m.demyelinated(0.5)
    assert half.n_lamellae(10.0) == pytest.approx(0.5 * m.n_lamellae(10.0))
    assert half.outer_diam_um(10.0) == pytest.approx(7.0 + 1.5)


@pytest.mark.parametrize("g_ratio, n", [(0.7, 94), (0.6, 40), (0.8, 150)])
def test_sheath_capacitance_is_the_sum_of_its_membranes_in_series(g_ratio, n):
    c_l, d = 0.1, 6.0  # uF/cm2 per membrane, axon diameter (um)
    p = 0.5 * (d / g_ratio - d) / n  # a period that makes exactly n lamellae
    m = Myelin(g_ratio=g_ratio, periodicity_um=p, lamella_cm_uF_cm2=c_l)
    D = d / g_ratio
    dj = d + (np.arange(2 * n) + 0.5) * p  # membranes p/2 apart in radius, i.e. p apart in diameter
    inv_c_per_length = np.sum(1.0 / (math.pi * dj * c_l))  # (uF/cm2 * um)^-1
    c_per_area_direct = 1.0 / inv_c_per_length / (math.pi * d)
    assert m.sheath_cm_uF_cm2(D) == pytest.approx(c_per_area_direct, rel=2e-4)
    # thin-sheath limit: c_l / (2N), exact to first order in the sheath thickness
    thin = c_l / (2 * n)
    assert m.sheath_cm_uF_cm2(D) / thin == pytest.approx((1.0 / g_ratio - 1.0) / math.log(1.0 / g_ratio), rel=1e-9)


def test_internode_is_sheath_in_series_with_axolemma():
    m = Myelin()
    D = 10.0
    cs, gs = m.sheath_cm_uF_cm2(D), m.sheath_g_S_cm2(D)
    assert m.internode_cm_uF_cm2(D) == pytest.approx(1.0 / (1.0 / cs + 1.0 / m.axolemma_cm_uF_cm2))
    assert m.internode_g_S_cm2(D) == pytest.approx(1.0 / (1.0 / gs + 1.0 / m.axolemma_g_S_cm2))
    assert m.internode_cm_uF_cm2(D) < 1e-3  # ~0.0004 uF/cm2: the sheath carries the voltage
    bare = m.demyelinated(0.0)
    assert bare.internode_cm_uF_cm2(D) == m.axolemma_cm_uF_cm2
    assert bare.internode_g_S_cm2(D) == m.axolemma_g_S_cm2
    # fewer lamellae: more capacitance and more leak, monotonically
    fr = [1.0, 0.5, 0.2, 0.05, 0.01]
    cms = [m.demyelinated(f).internode_cm_uF_cm2(D) for f in fr]
    gms = [m.demyelinated(f).internode_g_S_cm2(D) for f in fr]
    assert np.all(np.diff(cms) > 0) and np.all(np.diff(gms) > 0)


# ------------------------------------------------------------------------------ the axon


def test_myelinated_axon_structure_and_tags():
    ax = myelinated_axon(10.0, 5, prefix="m_")
    names = [s.name for s in ax.sections]
    assert ax.node_names == tuple(f"m_node{i}" for i in range(5))
    assert ax.internode_names == tuple(f"m_internode{i}" for i in range(4))
    assert len(names) == len(set(names))
    by = {s.name: s for s in ax.sections}
    assert all({"node", "axon"} <= set(by[n].tags) for n in ax.node_names)
    assert all({"internode", "axon"} <= set(by[n].tags) for n in ax.internode_names)
    virtual = [s for s in ax.sections if "axon" not in s.tags]
    assert virtual and all({"paranode"} & set(s.tags) or {"periaxonal"} & set(s.tags) for s in virtual)
    assert ax.axon_diam_um == pytest.approx(DEFAULT_G_RATIO * 10.0)
    assert ax.internode_length_um == pytest.approx(1000.0)
    assert ax.node_diam_um == pytest.approx(3.33)
    assert by["m_internode0"].cm_uF_cm2 == pytest.approx(Myelin().internode_cm_uF_cm2(10.0))
    # every node carries the node channels; every internode the sheath leak
    cell = ax.cell()
    for n in ax.node_names:
        assert {"mrg_naf", "mrg_nap", "mrg_ks", "mrg_leak"} <= set(cell.channels_on(n))
    for n in ax.internode_names:
        assert set(cell.channels_on(n)) == {"myelin_leak"}


def test_axon_attaches_to_a_soma_and_conducts_from_it():
    soma = rv.Section("soma", 20.0, 20.0, nseg=1, tags=("soma",))
    ax = myelinated_axon(8.0, 9, parent="soma", parent_x=1.0, prefix="ax_")
    cell = rv.Cell(rv.Morphology([soma, *ax.sections]),
                   mechanisms=[(rv.tm_na, "soma"), (rv.tm_kd, "soma"), *[(c, "soma") for c in rv.ion_leak()],
                               *ax.mechanisms()],
                   temperature_degC=37.0)
    sites = [rv.Site("ax_node2"), rv.Site("ax_node7")]
    res = rv.Simulation(cell, stimuli=[rv.CurrentClamp.step(rv.Site("soma"), 3.0, 0.5, 1.0)],
                        probes=[rv.Probe(s, ("v",)) for s in sites], tstop_ms=4.0, dt_ms=0.005).run()
    t = res.time.values
    t2 = spike_times(t, res.v.sel(site="ax_node2(0.5)").values)
    t7 = spike_times(t, res.v.sel(site="ax_node7(0.5)").values)
    assert t2.size >= 1 and t7.size >= 1 and t7[0] > t2[0]


def test_rest_is_unique_near_minus_80():
    cell = myelinated_axon(10.0, 5).cell()
    probes = [rv.Probe(rv.Site("node2"), ("v",))]
    rest = rv.Simulation(cell, probes=probes, tstop_ms=1.0).run().v_rest_mV.values[0]
    assert -82.0 < rest < -77.0
    # started 20 mV depolarised or 15 mV hyperpolarised, it returns to the same rest
    for v0 in (-60.0, -95.0):
        v = rv.Simulation(cell, probes=probes, tstop_ms=150.0, v_init_mV=v0).run().v.values[0]
        assert abs(v[-1] - rest) < 2.0


def test_demyelinate_changes_only_the_chosen_internodes():
    ax = myelinated_axon(10.0, 7)
    dm = demyelinate(ax, [2, 3], 0.25)
    assert isinstance(dm, MyelinatedAxon)
    assert [m.remaining for m in dm.myelin] == [1.0, 1.0, 0.25, 0.25, 1.0, 1.0]
    by0 = {s.name: s for s in ax.sections}
    by1 = {s.name: s for s in dm.sections}
    assert by1["internode2"].cm_uF_cm2 > by0["internode2"].cm_uF_cm2
    assert by1["internode1"] == by0["internode1"]
    leaks = {tuple(w): ch.gbar_S_cm2 for ch, w in dm.mechanisms() if ch.name == "myelin_leak"}
    assert leaks[("internode2", "internode3")] > leaks[("internode0", "internode1", "internode4", "internode5")]
    # the method form is the same
    assert ax.demyelinate([2, 3], 0.25).myelin == dm.myelin


def test_unmyelinated_axon_builds():
    ax = unmyelinated_axon(1.0, 2000.0, name="c_fibre")
    assert ax.sections[0].name == "c_fibre" and "axon" in ax.sections[0].tags
    cell = ax.cell()
    assert set(cell.channels_on("c_fibre")) >= {"tm_na", "tm_kd"}


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("g", [0.0, 1.0, -0.2, 1.3, math.nan])
def test_g_ratio_outside_open_unit_interval_is_refused(g):
    with pytest.raises(rv.RanvierError, match=r"g_ratio must be .*\(0, 1\)"):
        Myelin(g_ratio=g)
    with pytest.raises(rv.RanvierError, match="g_ratio"):
        myelinated_axon(10.0, 5, g_ratio=g)


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        (dict(fiber_diam_um=0.0), r"fiber_diam_um must be > 0 \(um\), got 0\.0"),
        (dict(fiber_diam_um=-3.0), r"fiber_diam_um must be > 0 \(um\), got -3\.0"),
        (dict(n_nodes=1), r"n_nodes must be a whole number in \[2, 10000\], got 1"),
        (dict(internode_length_um=0.0), r"internode_length_um must be > 0 \(um\), got 0\.0"),
        (dict(internode_length_um=-100.0), r"internode_length_um must be > 0 \(um\), got -100\.0"),
        (dict(internode_length_um=50.0), r"internode_length_um \(50 um\) must exceed its two paranodes"),
        (dict(node_length_um=0.0), r"node_length_um must be > 0 \(um\), got 0\.0"),
        (dict(node_diam_um=-1.0), r"node_diam_um must be > 0 \(um\), got -1\.0"),
        (dict(node_diam_um=12.0), r"node_diam_um \(12 um\) must not exceed fiber_diam_um \(10 um\)"),
        (dict(internode_nseg=0), r"internode_nseg must be a whole number in \[1, 10000\], got 0"),
        (dict(Ra_ohm_cm=0.0), r"Ra_ohm_cm must be > 0 \(ohm\*cm\), got 0\.0"),
    ],
)
def test_myelinated_axon_bad_input(kwargs, pattern):
    args = dict(fiber_diam_um=10.0, n_nodes=5)
    args.update(kwargs)
    with pytest.raises(rv.RanvierError, match=pattern):
        myelinated_axon(**args)


@pytest.mark.parametrize(
    "make, pattern",
    [
        (lambda: Myelin(periodicity_um=0.0), r"periodicity_um must be > 0 \(um\), got 0\.0"),
        (lambda: Myelin(periodicity_um=0.5), r"periodicity_um must be <= 0\.1 um"),
        (lambda: Myelin(remaining=1.2), r"remaining must be in \[0, 1\], got 1\.2"),
        (lambda: Myelin(remaining=-0.1), r"remaining must be in \[0, 1\], got -0\.1"),
        (lambda: Myelin(lamella_cm_uF_cm2=-0.1), r"lamella_cm_uF_cm2 must be > 0 \(uF/cm2\), got -0\.1"),
        (lambda: Paranode(mysa_gap_um=0.0), r"mysa_gap_um must be > 0 \(um\), got 0\.0"),
        (lambda: Paranode(flut_length_um=-4.0), r"flut_length_um must be > 0 \(um\), got -4\.0"),
        (lambda: unmyelinated_axon(0.0, 100.0), r"diam_um must be > 0 \(um\), got 0\.0"),
        (lambda: unmyelinated_axon(1.0, -5.0), r"length_um must be > 0 \(um\), got -5\.0"),
        (lambda: unmyelinated_axon(-1.0, 100.0), r"diam_um must be > 0 \(um\), got -1\.0"),
        (lambda: demyelinate(myelinated_axon(10.0, 4), [1], 1.5), r"remaining must be in \[0, 1\], got 1\.5"),
        (lambda: demyelinate(myelinated_axon(10.0, 4), [3], 0.5), r"internode index must be a whole number in \[0, 2\], got 3"),
        (lambda: demyelinate(myelinated_axon(10.0, 4), [], 0.5), r"internodes must name at least one"),
        (lambda: myelinated_axon(10.0, 4, myelin="thick"), r"myelin must be a Myelin, got 'thick'"),
    ],
)
def test_other_bad_input(make, pattern):
    with pytest.raises(rv.RanvierError, match=pattern):
        make()
