"""The seed circuit: a whole neuron doing its job, connected to a second one.

Measured with the defaults (2026-11-25, dt 5 us, 37 degC): rest -69.9 mV; a volley of
excitatory inputs sums to threshold and the first spike starts at the distal AIS (onset
8.02 ms; soma 8.14, dendrite 8.32); it reaches the terminal at 8.67 ms, Ca2+ there peaks
near 9 uM and neuron B's dendrite depolarises ~1.2 ms later (EPSP ~14 mV at B's soma).
Known limits: the soma fires two more spikes at ~300 Hz that fail in the first internodes
(nodes are scaled to 0.6 of the MRG density so that, depolarised ~4 mV by the soma, they do
not fire before the AIS; that lowers the safety factor), and stronger or longer drive makes
the preterminal fire again on its own (no Ca2+-activated K+ current yet).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ranvier.cell import Cell, Paint
from ranvier.errors import RanvierError, check_int, check_positive, check_range
from ranvier.ions import Concentrations
from ranvier.plausibility import check_band
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
from ranvier.synapse import CalciumPool, SpikeTrain, Synapse, Terminal

DEND_TIPS = ("d2_0", "d2_1", "d2_2", "d2_3")
DEND_MID = ("d1_0", "d1_1")
AIS_GNA_S_CM2 = 1.0
AIS_VT_MV = -64.0
NODE_SCALE = 0.6
POST_G_AMPA_US = 0.006
POST_G_NMDA_US = 0.001
SOMA_GK_S_CM2 = 0.01
AIS_GK_S_CM2 = 0.1
TERMINAL_PCA_CM_S = 8e-4
TERMINAL_GNA_S_CM2 = 0.1
TERMINAL_GK_S_CM2 = 0.3
PRETERMINAL_GK_S_CM2 = 0.02
TERMINAL_L_UM = 2.0
TERMINAL_D_UM = 1.0
LEAK_G_S_CM2 = 2e-4
# resting conductance shares of the soma and dendrites (K+ dominated; Hodgkin & Katz 1949)
LEAK_SHARES = {"k": 0.66, "na": 0.12, "cl": 0.22}


@dataclass(frozen=True)
class SeedSettings:
    """Main parameters of the seed circuit (units in the names)."""

    temperature_degC: float = 37.0
    fiber_diam_um: float = 4.0
    myelinated: bool = True
    myelin_fraction: float = 1.0
    n_nodes: int = 11
    input_rate_hz: float = 150.0
    input_window_ms: float = 10.0  # presynaptic activity from t = 0 to this time: a volley that sums to threshold
    n_excitatory: int = 12
    n_inhibitory: int = 2
    g_ampa_uS: float = 0.0015
    g_nmda_uS: float = 0.0001
    g_gaba_uS: float = 0.001
    tstop_ms: float = 30.0
    dt_ms: float = 0.005  # spikes cross an internode in ~20 us: 25 us would make velocities ~20% low
    method: str = "cn"
    seed: int = 7
    concentrations: Concentrations = field(default_factory=Concentrations)

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

    if s.myelinated:
        from ranvier.mechanisms.library.mcintyre2002 import mrg_node_channels

        ax = myelin.myelinated_axon(s.fiber_diam_um, s.n_nodes, parent="ais", parent_x=1.0, prefix="ax_",
                                    temperature_degC=s.temperature_degC,
                                    node_channels=mrg_node_channels(s.temperature_degC, NODE_SCALE))
        if s.myelin_fraction < 1.0:  # a lesion over the middle third of the internodes
            n_int = len(ax.internode_names)
            ax = ax.demyelinate(range(n_int // 3, 2 * n_int // 3 + 1), s.myelin_fraction)
        paints = [Paint(ch, names) for ch, names in ax.mechanisms()]
        return ax.sections, paints, [Site(n, 0.5) for n in ax.node_names], ax.node_names[-1]
    # unmyelinated: the same length as the myelinated fibre would have, with sites at the same places
    length = s.n_nodes * 100.0 * s.fiber_diam_um
    ua = myelin.unmyelinated_axon(s.fiber_diam_um * 0.6, length, parent="ais", name="axon")
    paints = [Paint(ch, names) for ch, names in ua.mechanisms()]
    sites = [Site("axon", (k + 0.5) / s.n_nodes) for k in range(s.n_nodes)]
    return ua.sections, paints, sites, "axon"


def seed_neuron(s: SeedSettings) -> tuple[Cell, dict[str, Site]]:
    """One seed neuron and its named sites (dendrite, soma, AIS, nodes, terminal)."""
    secs = [Section("soma", 20.0, 20.0, nseg=1, tags=("soma",))]
    secs += binary_tree(3, 100.0, 3.0, parent="soma", parent_x=0.0, prefix="d", nseg=None, tags=("dend",))
    secs.append(Section("ais", 40.0, 1.2, parent="soma", parent_x=1.0, nseg=9, tags=("ais",)))
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
        *(Paint(ch, bouton) for ch in ion_leak(LEAK_G_S_CM2, {"k": 0.95, "na": 0.03, "cl": 0.02})),
        Paint(traub_miles_na(gbar_S_cm2=0.05), ("soma",)),
        Paint(traub_miles_kd(gbar_S_cm2=SOMA_GK_S_CM2), ("soma",)),
        Paint(traub_miles_kd(gbar_S_cm2=TERMINAL_GK_S_CM2), ("terminal",)),
        # K+ channels are enriched at the AIS too (Kv1, Kv7: Kole et al. 2007, Neuron 55:633,
        # doi:10.1016/j.neuron.2007.07.031); they repolarise its spike and keep it from bursting.
        Paint(traub_miles_kd(gbar_S_cm2=AIS_GK_S_CM2), ("ais",)),
        # AIS: Na+ channels ~10x the somatic density and activating ~7 mV more negative
        # (Kole et al. 2008, Nat Neurosci 11:178, doi:10.1038/nn2040; Hu et al. 2009, Nat
        # Neurosci 12:996, doi:10.1038/nn.2359), which is why the spike starts there.
        Paint(traub_miles_na(vt_mV=AIS_VT_MV, gbar_S_cm2=AIS_GNA_S_CM2), ("ais",)),
        Paint(traub_miles_na(gbar_S_cm2=TERMINAL_GNA_S_CM2), ("preterminal",)),
        Paint(traub_miles_kd(gbar_S_cm2=PRETERMINAL_GK_S_CM2), ("preterminal",)),
        *axon_paints,
        Paint(hva_ca.with_(permeability_cm_s=TERMINAL_PCA_CM_S), ("terminal",)),
        Paint(CalciumPool(), ("terminal",)),
    ]
    cell = Cell(Morphology(secs), mechanisms=mechs, concentrations=s.concentrations,
                temperature_degC=s.temperature_degC, discretization=Discretization(d_lambda=0.1), name="seed")
    sites = {"dendrite": Site("d2_0", 0.5), "soma": Site("soma", 0.5), "ais": Site("ais", 0.9),
             "terminal": Site("terminal", 0.5)}
    for k, site in enumerate(axon_sites):
        sites[f"node{k}"] = site
    return cell, sites


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
    term = Terminal(Site(sites_a["terminal"].section, 0.5, cell=0))
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
