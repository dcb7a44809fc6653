"""The seed circuit: a whole neuron doing its job, connected to a second one.

Neuron A is a small cortical pyramidal-like cell built from the mammalian channel library
(:mod:`ranvier.mechanisms.library.mammalian`): a soma with Nav1.2, Kv3, a delayed rectifier and
Kv7/M; passive dendrites with Ih and Kir; an AIS with Nav1.6 at full density (Kole et al. 2008)
plus Kv1, Kv3 and Kv7; a thin first internode and then a myelinated axon whose nodes carry the
same Nav1.6 at the full MRG nodal density; a preterminal segment and a bouton with Nav1.6, Kv3,
Kv1, fast Cav2 channels, a thin fast Ca2+ shell and release with a per-vesicle probability well
below one. A volley of unitary-sized synapses sums to threshold; neuron B receives one bouton.

Measured with the defaults (2026-12-02, dt 5 us, 37 degC): rest -72.6 mV, input resistance
~90 MOhm, membrane time constant ~7 ms; the spike starts in the AIS (onset 45 us before the first
node, 120 us before the soma), threshold -49 mV, peak +31 mV, half-width 0.38 ms at the soma;
conduction 5.9 m/s per um of fibre diameter; release of ~20 % of the pool, a 0.5-ms synaptic
delay and a 0.8-mV unitary EPSP at B's soma. tests/physiology/test_seed_mammalian.py checks each
against its literature band.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ranvier.cell import Cell, Paint
from ranvier.errors import RanvierError, check_int, check_positive, check_range
from ranvier.ions import Concentrations
from ranvier.plausibility import check_band
from ranvier.mechanisms.channel import Channel
from ranvier.mechanisms.library.mammalian import (cav2_channel, ih_channel, kir_channel, km_channel, kv1_channel, kv3_channel,
                                                  nap_channel, nav12_channel, nav16_channel)
from ranvier.mechanisms.library.passive import ion_leak
from ranvier.mechanisms.library.pospischil2008 import traub_miles_kd, traub_miles_na
from ranvier.mechanisms.library.reuveni1993 import hva_ca
from ranvier.mechanisms.receptors import AMPA, GABA_A, NMDA
from ranvier.morphology.builders import binary_tree
from ranvier.morphology.discretize import Discretization
from ranvier.morphology.section import Section
from ranvier.morphology.tree import Morphology
from ranvier.probe import Probe
from ranvier.simulation import Simulation
from ranvier.site import Site
from ranvier.synapse import CalciumPool, Release, SpikeTrain, Synapse, Terminal

DEND_TIPS = ("d2_0", "d2_1", "d2_2", "d2_3")
DEND_MID = ("d1_0", "d1_1")

# --- morphology (um). A cortical pyramidal cell's input resistance (tens to ~200 MOhm) needs
# ~1e4 um2 of membrane: a 20-um soma and a three-level dendritic tree of 200-um, 4-um roots.
SOMA_L_UM = 20.0
DEND_ROOT_L_UM = 200.0
DEND_ROOT_D_UM = 4.0
AIS_L_UM = 40.0
AIS_D_UM = 1.2
FIRST_INTERNODE_L_UM = 50.0
"""The myelin starts right after the AIS; the first node lies ~90 um from the soma, past the
site of initiation (Palmer LM, Stuart GJ (2006) J Neurosci 26:1854-1863,
doi:10.1523/JNEUROSCI.4812-05.2006)."""

FIRST_INTERNODE_D_UM: float | None = 1.2
"""Axon diameter under the first internode (um); None: that of the rest of the fibre."""

# --- membrane (S/cm2). Channels from ranvier.mechanisms.library.mammalian.
LEAK_G_S_CM2 = 4e-5
"""Resting leak of soma and dendrites: with the resting Ih, Kir and M conductances it gives a
membrane time constant and input resistance in the cortical pyramidal range (see the tests)."""
LEAK_SHARES = {"k": 0.55, "na": 0.20, "cl": 0.25}  # K+ dominated (Hodgkin & Katz 1949)
AIS_GNA_S_CM2 = 0.25
"""Nav1.6 in the AIS: ~2500 pS/um2, ~50x the proximal dendrites (Kole MHP et al. (2008) Nat
Neurosci 11:178-186, doi:10.1038/nn2040), at full density."""
SOMA_GNA_S_CM2 = 0.08
"""Nav1.2 at the soma (Hu et al. 2009, doi:10.1038/nn.2359: Nav1.2 on soma and proximal AIS)."""
NODE_GNA_S_CM2 = 3.0
"""Nav1.6 at the nodes at the full MRG nodal density (McIntyre et al. 2002, Table 1)."""
NODE_GNAP_S_CM2 = 0.0
SOMA_GKV3_S_CM2 = 0.01
SOMA_GKDR_S_CM2 = 0.03
AIS_GKV3_S_CM2 = 0.1
AIS_GKV1_S_CM2 = 0.005
SOMA_GKM_S_CM2 = 3e-3
AIS_GKM_S_CM2 = 5e-3
GIH_S_CM2 = 2e-5
GKIR_S_CM2 = 1e-5
GNAP_S_CM2 = 3e-5
TERMINAL_PCA_CM_S = 8e-4
TERMINAL_GNA_S_CM2 = 0.1
TERMINAL_GK_S_CM2 = 0.1
PRETERMINAL_GK_S_CM2 = 0.03
BOUTON_GKV1_S_CM2 = 0.02
TERMINAL_L_UM = 2.0
TERMINAL_D_UM = 1.0
BOUTON_LEAK_G_S_CM2 = 2e-4
POST_G_AMPA_US = 0.0006
POST_G_NMDA_US = 0.0002
"""One bouton onto neuron B: 0.8 nS of AMPA at full occupancy, NMDA a quarter of it; the unitary
EPSP it gives at B's soma is checked against Nicoll & Blakemore (1993) in tests/physiology."""
TERMINAL_POOL = CalciumPool(depth_um=0.01, tau_ms=0.3, buffer_capacity=20.0)
"""Ca2+ where release happens: a thin, fast shell next to the channels (a stand-in for the
nanodomain, whose Ca2+ rises and falls within a fraction of a millisecond of the Ca2+ current;
Sabatini BL, Regehr WG (1996) Nature 384:170-172, doi:10.1038/384170a0; Bollmann JH, Sakmann B,
Borst JGG (2000) Science 289:953-957, doi:10.1126/science.289.5481.953)."""
TERMINAL_RELEASE = Release(kd_mM=0.01, hill=4.0, k_max_per_ms=2.0)
"""Release with a per-vesicle probability well below one per spike at 2 mM Ca2+ (central synapses:
0.1-0.5; Dobrunz LE, Stevens CF (1997) Neuron 18:995-1008, doi:10.1016/S0896-6273(00)80338-4)."""
SEED_CL_IN_MM = 6.0
"""Internal Cl- of mature cortical neurons, 5-7 mM (KCC2 extrudes it; Kaila K et al. (2014) Nat
Rev Neurosci 15:637-654, doi:10.1038/nrn3819): E_Cl ~ -78 mV, below rest."""


@dataclass(frozen=True)
class SeedSettings:
    """Main parameters of the seed circuit (units in the names)."""

    temperature_degC: float = 37.0
    fiber_diam_um: float = 4.0
    myelinated: bool = True
    myelin_fraction: float = 1.0
    n_nodes: int = 11
    input_rate_hz: float = 200.0
    input_window_ms: float = 5.0  # presynaptic activity from t = 0 to this time: a volley that sums to threshold
    n_excitatory: int = 35
    n_inhibitory: int = 6
    g_ampa_uS: float = 0.0008  # unitary cortical AMPA conductances: ~0.2-1 nS per contact
    g_nmda_uS: float = 0.0001
    g_gaba_uS: float = 0.001
    tstop_ms: float = 50.0
    dt_ms: float = 0.005  # spikes cross an internode in ~20 us: 25 us would make velocities ~20% low
    method: str = "cn"
    seed: int = 7
    concentrations: Concentrations = field(default_factory=lambda: Concentrations(cl_in_mM=SEED_CL_IN_MM))

    def __post_init__(self) -> None:
        # physiological ranges (warning) inside what the model can represent (error): plausibility.RANGES
        check_band("temperature_degC", self.temperature_degC, "mammalian_temperature_degC", stacklevel=4)
        check_positive("fiber_diam_um", self.fiber_diam_um, "um")
        check_band("fiber_diam_um", self.fiber_diam_um, stacklevel=4)
        check_range("myelin_fraction", self.myelin_fraction, 0.0, 1.0)
        check_int("n_nodes", self.n_nodes, 5, 200)
        check_positive("input_rate_hz", self.input_rate_hz, "Hz", allow_zero=True)
        check_band("input_rate_hz", self.input_rate_hz, stacklevel=4)
        check_int("n_excitatory", self.n_excitatory, 0, 1000)
        check_int("n_inhibitory", self.n_inhibitory, 0, 1000)
        for name in ("g_ampa_uS", "g_nmda_uS", "g_gaba_uS"):
            check_positive(name, getattr(self, name), "uS", allow_zero=True)
        check_positive("tstop_ms", self.tstop_ms, "ms")
        check_positive("input_window_ms", self.input_window_ms, "ms")
        if not isinstance(self.concentrations, Concentrations):
            raise RanvierError(f"concentrations must be Concentrations, got {self.concentrations!r}")

    def with_(self, **changes) -> "SeedSettings":
        return dataclasses.replace(self, **changes)


def _axon(s: SeedSettings) -> tuple[list, list, list[Site], str]:
    """Axon sections, what to paint on them, sites along them ("nodes") and the last section."""
    from ranvier import myelin
    from ranvier.mechanisms.library.mcintyre2002 import mrg_ks, mrg_leak, mrg_nap

    if s.myelinated:
        # the same Nav1.6 as the AIS, at the full nodal density, with MRG's persistent Na+, slow K+ and leak
        node_channels = (nav16_channel(NODE_GNA_S_CM2), mrg_nap(s.temperature_degC, NODE_GNAP_S_CM2), mrg_ks(s.temperature_degC),
                         mrg_leak())
        sheath = myelin.Myelin()
        first = Section("ax_first", FIRST_INTERNODE_L_UM, FIRST_INTERNODE_D_UM or sheath.axon_diam_um(s.fiber_diam_um),
                        parent="ais",
                        parent_x=1.0, cm_uF_cm2=sheath.internode_cm_uF_cm2(s.fiber_diam_um), nseg=3,
                        Ra_ohm_cm=70.0, tags=("internode", "first_internode"))
        first_leak = Channel(name="first_internode_leak", ion="nonspecific",
                             gbar_S_cm2=sheath.internode_g_S_cm2(s.fiber_diam_um), e_rev_mV=sheath.axolemma_e_rev_mV,
                             q10=1.0, citation="internodal axolemma in series with the myelin sheath (ranvier.myelin)")
        ax = myelin.myelinated_axon(s.fiber_diam_um, s.n_nodes, parent="ax_first", parent_x=1.0, prefix="ax_",
                                    temperature_degC=s.temperature_degC, node_channels=node_channels)
        if s.myelin_fraction < 1.0:  # a lesion over the middle third of the internodes
            n_int = len(ax.internode_names)
            ax = ax.demyelinate(range(n_int // 3, 2 * n_int // 3 + 1), s.myelin_fraction)
        paints = [Paint(ch, names) for ch, names in ax.mechanisms()] + [Paint(first_leak, ("ax_first",))]
        return [first, *ax.sections], paints, [Site(n, 0.5) for n in ax.node_names], ax.node_names[-1]
    # unmyelinated: the same length as the myelinated fibre would have, with sites at the same places
    length = s.n_nodes * 100.0 * s.fiber_diam_um
    ua = myelin.unmyelinated_axon(s.fiber_diam_um * 0.6, length, parent="ais", name="axon")
    paints = [Paint(ch, names) for ch, names in ua.mechanisms()]
    sites = [Site("axon", (k + 0.5) / s.n_nodes) for k in range(s.n_nodes)]
    return ua.sections, paints, sites, "axon"


def seed_neuron(s: SeedSettings) -> tuple[Cell, dict[str, Site]]:
    """One seed neuron and its named sites (dendrite, soma, AIS, nodes, terminal)."""
    secs = [Section("soma", SOMA_L_UM, SOMA_L_UM, nseg=1, tags=("soma",))]
    secs += binary_tree(3, DEND_ROOT_L_UM, DEND_ROOT_D_UM, parent="soma", parent_x=0.0, prefix="d", nseg=None,
                        tags=("dend",))
    secs.append(Section("ais", AIS_L_UM, AIS_D_UM, parent="soma", parent_x=1.0, nseg=9, tags=("ais",)))
    axon_secs, axon_paints, axon_sites, last = _axon(s)
    secs += axon_secs
    # the myelin ends before the bouton: a short unmyelinated preterminal segment carries the spike on
    secs.append(Section("preterminal", 60.0, 0.8, parent=last, parent_x=1.0, nseg=7, tags=("preterminal",)))
    secs.append(Section("terminal", TERMINAL_L_UM, TERMINAL_D_UM, parent="preterminal", parent_x=1.0, nseg=1,
                        tags=("terminal",)))
    somatic = ("soma", "dend", "ais")
    bouton = ("preterminal", "terminal")
    mechs = [
        *(Paint(ch, somatic) for ch in ion_leak(LEAK_G_S_CM2, LEAK_SHARES)),
        # the preterminal axon rests with the fibre it ends (near -80 mV, K+ dominated), not with the soma
        *(Paint(ch, bouton) for ch in ion_leak(BOUTON_LEAK_G_S_CM2, {"k": 0.95, "na": 0.03, "cl": 0.02})),
        # subthreshold conductances of soma and dendrites: Ih, Kir, M (Kv7) and a persistent Na+ current
        Paint(ih_channel(GIH_S_CM2), ("soma", "dend")),
        Paint(kir_channel(GKIR_S_CM2), ("soma", "dend")),
        Paint(km_channel(SOMA_GKM_S_CM2), ("soma",)),
        Paint(nap_channel(GNAP_S_CM2), ("soma", "ais")),
        # soma: Nav1.2 and fast-repolarising Kv3
        Paint(nav12_channel(SOMA_GNA_S_CM2), ("soma",)),
        Paint(kv3_channel(SOMA_GKV3_S_CM2), ("soma",)),
        # and a delayed rectifier (Kv2-like; Traub & Miles kinetics as in Pospischil et al. 2008)
        Paint(traub_miles_kd(gbar_S_cm2=SOMA_GKDR_S_CM2), ("soma",)),
        # AIS: Nav1.6 at ~50x the somatodendritic density (Kole et al. 2008, doi:10.1038/nn2040) with Kv1 and
        # Kv7 (Kole MHP, Letzkus JJ, Stuart GJ (2007) Neuron 55:633, doi:10.1016/j.neuron.2007.07.031;
        # Battefeld A et al. (2014) J Neurosci 34:3719, doi:10.1523/JNEUROSCI.4206-13.2014) and Kv3
        Paint(nav16_channel(AIS_GNA_S_CM2), ("ais",)),
        Paint(kv1_channel(AIS_GKV1_S_CM2), ("ais",)),
        Paint(kv3_channel(AIS_GKV3_S_CM2), ("ais",)),
        Paint(km_channel(AIS_GKM_S_CM2), ("ais",)),
        # bouton
        # bouton: Nav1.6 and Kv3 give a brief presynaptic spike (Kv3 in cortical boutons: Rowan MJM et al.
        # (2016) J Neurosci 36:4206, doi:10.1523/JNEUROSCI.4206-15.2016), fast P/Q- and N-type Ca2+ channels
        Paint(nav16_channel(TERMINAL_GNA_S_CM2), ("preterminal",)),
        Paint(kv3_channel(PRETERMINAL_GK_S_CM2), ("preterminal",)),
        Paint(kv3_channel(TERMINAL_GK_S_CM2), ("terminal",)),
        Paint(kv1_channel(BOUTON_GKV1_S_CM2), bouton),
        *axon_paints,
        Paint(cav2_channel(TERMINAL_PCA_CM_S), ("terminal",)),
        Paint(TERMINAL_POOL, ("terminal",)),
    ]
    cell = Cell(Morphology(secs), mechanisms=mechs, concentrations=s.concentrations,
                temperature_degC=s.temperature_degC, discretization=Discretization(d_lambda=0.1), name="seed")
    sites = {"dendrite": Site("d2_0", 0.5), "soma": Site("soma", 0.5), "ais": Site("ais", 0.9),
             "terminal": Site("terminal", 0.5)}
    for k, site in enumerate(axon_sites):
        sites[f"node{k}"] = site
    return cell, sites


POINT_CELL_LEAK_G_S_CM2 = 1e-4
"""Leak of the point cell (S/cm2): a 20-um soma alone has no dendrites to load it, so a larger leak
keeps its membrane time constant near the seed neuron's (~8 ms)."""


def seed_point_cell(k_out_mM: float | None = None, temperature_degC: float = 37.0,
                    concentrations: Concentrations | None = None, name: str = "seed_soma") -> Cell:
    """The seed neuron's somatic membrane as a 20 um x 20 um point cell, for experiments that need one cell
    at 37 degC with mammalian channels: Nav1.2 (with slow inactivation), Kv3, a delayed rectifier, Kv7/M,
    a persistent Na+ current, Ih, Kir and a Nernstian leak; internal Cl- 6 mM.

    ``k_out_mM`` sets external K+ (mM) on top of ``concentrations`` (default: the seed's).
    """
    conc = SeedSettings().concentrations if concentrations is None else concentrations
    if not isinstance(conc, Concentrations):
        raise RanvierError(f"concentrations must be Concentrations, got {conc!r}")
    if k_out_mM is not None:
        conc = conc.with_(k_out_mM=k_out_mM)
    mechs = [*ion_leak(POINT_CELL_LEAK_G_S_CM2, LEAK_SHARES), nav12_channel(SOMA_GNA_S_CM2),
             kv3_channel(SOMA_GKV3_S_CM2), traub_miles_kd(gbar_S_cm2=SOMA_GKDR_S_CM2), km_channel(SOMA_GKM_S_CM2),
             nap_channel(GNAP_S_CM2), ih_channel(GIH_S_CM2), kir_channel(GKIR_S_CM2)]
    return Cell(Morphology([Section("soma", SOMA_L_UM, SOMA_L_UM, nseg=1, tags=("soma",))]), mechanisms=mechs,
                concentrations=conc, temperature_degC=temperature_degC, name=name)


def _train(s: SeedSettings, seed: int) -> SpikeTrain:
    """A reproducible Poisson train of s.input_rate_hz over the input window."""
    if s.input_rate_hz <= 0:
        return SpikeTrain(())
    return SpikeTrain.poisson(s.input_rate_hz, min(s.input_window_ms, s.tstop_ms), seed=seed)


def seed_circuit(s: SeedSettings = SeedSettings()) -> tuple[Simulation, dict[str, Site]]:
    """Neuron A (driven by its synapses) -> terminal -> neuron B, and the sites the summary reads."""
    a, sites_a = seed_neuron(s)
    b, sites_b = seed_neuron(s)
    syns = []
    targets = DEND_TIPS + DEND_MID
    for k in range(s.n_excitatory):
        site = Site(targets[k % len(targets)], 0.3 + 0.4 * ((k // len(targets)) % 2))
        train = _train(s, s.seed * 1000 + k)
        syns.append(Synapse(AMPA, site, s.g_ampa_uS, train))
        syns.append(Synapse(NMDA, site, s.g_nmda_uS, train))
    for k in range(s.n_inhibitory):
        site = Site(DEND_MID[k % len(DEND_MID)], 0.5)
        train = _train(s, s.seed * 1000 + 500 + k)
        syns.append(Synapse(GABA_A, site, s.g_gaba_uS, train))
    term = Terminal(Site(sites_a["terminal"].section, 0.5, cell=0), TERMINAL_RELEASE)
    post = Site("d2_0", 0.5, cell=1)
    syns.append(Synapse(AMPA, post, POST_G_AMPA_US, term))
    syns.append(Synapse(NMDA, post, POST_G_NMDA_US, term))
    sites = dict(sites_a)
    sites["b_dendrite"] = post
    sites["b_soma"] = Site("soma", 0.5, cell=1)
    probes = [Probe(site, "all") if name in ("soma", "ais", "terminal", "dendrite") else Probe(site, ("v",))
              for name, site in sites.items()]
    sim = Simulation([a, b], probes=probes, synapses=syns, tstop_ms=s.tstop_ms, dt_ms=s.dt_ms, method=s.method)
    return sim, sites
